import { IssueCollector } from '@csp/domain';
import type { OrderResource } from '../order.view';

/** Read-only order fields a client may send back with the order it read (Partner Center's SDK does). */
export const ECHOED_ORDER_FIELDS = ['customerId', 'referenceCustomerId', 'currencyCode', 'billingCycle'] as const;
export type EchoedOrderField = (typeof ECHOED_ORDER_FIELDS)[number];

// Ids and codes compare without case; a billing cycle also without underscores ("OneTime" is one_time).
const normal = (field: EchoedOrderField, v: string): string =>
  field === 'billingCycle' ? v.toLowerCase().replace(/_/g, '') : v.toLowerCase();

/**
 * A PATCH only cancels: the order's other fields cannot be changed through it, so a value sent back must be the
 * order's (400 naming the field). The rest of a sent-back order (links, totals, dates) is read-only and not acted on.
 */
export function checkEchoedOrderFields(echoed: Partial<Record<EchoedOrderField, string>>, order: OrderResource): void {
  const issues = new IssueCollector();
  for (const field of ECHOED_ORDER_FIELDS) {
    const value = echoed[field];
    if (value === undefined || value === null) continue;
    if (normal(field, value) !== normal(field, order[field]))
      issues.add(field, 'read_only_field', `${field} is read-only: this order's is ${order[field]}`);
  }
  issues.throwIfAny();
}

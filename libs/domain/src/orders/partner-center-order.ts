import type { Offer } from '../catalog/catalog.types';
import { DomainError, type IssueCollector } from '../shared/domain-error';
import type { OfferKind } from '../shared/types';
import type { CustomerSnapshot, OrderLineItemInput, PartnerCenterOrderInput } from './order.commands';
import type { OrderCancellationState, OrderLineState } from './order.state';

import { BILLING_CYCLES, type BillingCycle } from './billing-cycle';

export { BILLING_CYCLES, type BillingCycle };

/**
 * [decision] How each kind is billed; the first is the default. Software (perpetual and subscriptions) is paid
 * up front, as in Partner Center; reservations and plans may also be paid monthly. `none` in a request names no
 * cycle: the offers' default applies.
 */
export const BILLING_CYCLES_BY_KIND: Readonly<Record<OfferKind, readonly BillingCycle[]>> = {
  perpetual: ['one_time'],
  softwareSubscription: ['one_time'],
  azureReservation: ['one_time', 'monthly'],
  softwarePlan: ['one_time', 'monthly'],
};

export const MAX_PROVISIONING_CONTEXT_ENTRIES = 50;
const MAX_TEXT = 1000;

/** What the Partner Center fields of a PlaceOrder decide (recorded in OrderPlaced). */
export type PartnerCenterOrderFields = {
  billingCycle: BillingCycle;
  clientOrderId?: string;
  partnerOnRecordAttestationAccepted?: boolean;
};

const same = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();
/** JSON clients (Partner Center's SDK among them) may send null for a field they leave unset. */
const given = <T>(v: T | null | undefined): v is T => v !== undefined && v !== null;

/**
 * Checks Partner Center's optional order and line fields against the path's customer and the offers (undefined
 * where the offer is unknown, already reported). Adds one issue per bad field; returns the recorded values.
 */
export const checkPartnerCenterOrder = (
  input: PartnerCenterOrderInput | undefined,
  lineItems: readonly OrderLineItemInput[],
  offers: readonly (Offer | undefined)[],
  customer: CustomerSnapshot,
  issues: IssueCollector,
): PartnerCenterOrderFields => {
  const pc = input ?? {};
  if (given(pc.referenceCustomerId) && !same(pc.referenceCustomerId, customer.customerId)) {
    issues.add(
      'referenceCustomerId',
      'reference_customer_mismatch',
      `referenceCustomerId must be the customer of the path (${customer.customerId})`,
    );
  }
  if (given(pc.currencyCode) && pc.currencyCode.toUpperCase() !== customer.currencyCode) {
    issues.add(
      'currencyCode',
      'currency_mismatch',
      `the customer's market (${customer.country}) is billed in ${customer.currencyCode}, not ${pc.currencyCode}`,
    );
  }
  if (given(pc.attributes?.objectType) && pc.attributes.objectType !== 'Order') {
    issues.add('attributes.objectType', 'invalid_object_type', 'attributes.objectType of an order is "Order"');
  }
  const billingCycle = checkBillingCycle(pc.billingCycle, offers, issues);
  lineItems.forEach((li, i) => checkLine(li, offers[i], `lineItems[${i}]`, issues));
  return {
    billingCycle,
    ...(given(pc.id) ? { clientOrderId: pc.id } : {}),
    ...(given(pc.partnerOnRecordAttestationAccepted)
      ? { partnerOnRecordAttestationAccepted: pc.partnerOnRecordAttestationAccepted }
      : {}),
  };
};

const checkBillingCycle = (
  cycle: string | undefined,
  offers: readonly (Offer | undefined)[],
  issues: IssueCollector,
): BillingCycle => {
  if (!given(cycle) || cycle === 'none') return 'one_time';
  if (!(BILLING_CYCLES as readonly string[]).includes(cycle)) {
    issues.add('billingCycle', 'invalid_billing_cycle', `billingCycle must be one of ${BILLING_CYCLES.join(', ')}`);
    return 'one_time';
  }
  const contradicted = offers.find((o) => o && !BILLING_CYCLES_BY_KIND[o.kind].includes(cycle as BillingCycle));
  if (contradicted) {
    issues.add(
      'billingCycle',
      'billing_cycle_mismatch',
      `offer ${contradicted.id} (${contradicted.friendlyName}) is billed ${BILLING_CYCLES_BY_KIND[contradicted.kind].join(' or ')}, not ${cycle}`,
    );
  }
  return cycle as BillingCycle;
};

const checkLine = (li: OrderLineItemInput, offer: Offer | undefined, at: string, issues: IssueCollector): void => {
  if (typeof li !== 'object' || li === null) return; // reported with its other fields
  if (offer && given(li.termDuration) && li.termDuration !== offer.termDuration) {
    issues.add(
      `${at}.termDuration`,
      'term_duration_mismatch',
      offer.termDuration
        ? `offer ${offer.id} has the term ${offer.termDuration}, not ${li.termDuration}`
        : `offer ${offer.id} is perpetual software: it has no termDuration`,
    );
  }
  const context = li.provisioningContext;
  if (given(context)) {
    const entries = typeof context === 'object' && context !== null ? Object.entries(context) : null;
    if (!entries || Array.isArray(context)) {
      issues.add(
        `${at}.provisioningContext`,
        'invalid_provisioning_context',
        'provisioningContext is an object of strings',
      );
    } else if (entries.length > MAX_PROVISIONING_CONTEXT_ENTRIES) {
      issues.add(
        `${at}.provisioningContext`,
        'invalid_provisioning_context',
        `provisioningContext has at most ${MAX_PROVISIONING_CONTEXT_ENTRIES} entries`,
      );
    } else {
      for (const [key, value] of entries) {
        if (typeof value !== 'string' || value.length > MAX_TEXT || key.length > 100)
          issues.add(
            `${at}.provisioningContext.${key.slice(0, 100)}`,
            'invalid_provisioning_context',
            `provisioningContext values are strings of at most ${MAX_TEXT} characters`,
          );
      }
    }
  }
};

/** The Partner Center fields of a line as OrderPlaced records them (only those given). */
export const partnerCenterLineFields = (li: OrderLineItemInput) => ({
  ...(given(li.friendlyName) ? { partnerFriendlyName: li.friendlyName } : {}),
  ...(given(li.partnerIdOnRecord) ? { partnerIdOnRecord: li.partnerIdOnRecord } : {}),
  ...(given(li.additionalPartnerIdsOnRecord)
    ? { additionalPartnerIdsOnRecord: [...li.additionalPartnerIdsOnRecord] }
    : {}),
  ...(given(li.provisioningContext) ? { provisioningContext: { ...li.provisioningContext } } : {}),
});

/**
 * The cancellation notice: optional; an explicit `false` is refused, and so is its absence where the deployment
 * requires it. One 422 with one message.
 */
export const checkCancellationNotice = (acknowledged: boolean | undefined, required: boolean | undefined): void => {
  if (acknowledged === true || (acknowledged === undefined && !required)) return;
  throw new DomainError({
    code: 'cancellation_notice_not_acknowledged',
    kind: 'unprocessable',
    field: 'acknowledgedCancellationNotice',
    detail:
      acknowledged === false
        ? 'acknowledgedCancellationNotice is false: the cancellation notice was not acknowledged, so nothing was cancelled'
        : 'this deployment requires acknowledgedCancellationNotice: true (confirm the cancellation notice was read)',
  });
};

/**
 * Partner Center's cancel body repeats the order id and may name each line's offer (and, when a client sends back
 * the order it read, each line's quantity): all must be the order's. A line is cancelled whole.
 */
export const checkCancelReferences = (
  order: {
    orderId: string;
    lineItems: readonly { lineItemNumber: number; offerId: string; quantity: number; cancelled: boolean }[];
  },
  orderId: string | undefined,
  lineItemNumbers: readonly number[] | undefined,
  offerIds: readonly (string | undefined)[] | undefined,
  issues: IssueCollector,
  quantities: readonly (number | undefined)[] = [],
): void => {
  if (given(orderId) && !same(orderId, order.orderId))
    issues.add('id', 'order_id_mismatch', `id must be the order of the path (${order.orderId})`);
  (offerIds ?? []).forEach((offerId, i) => {
    const line = order.lineItems.find((l) => l.lineItemNumber === lineItemNumbers?.[i]);
    if (given(offerId) && line && line.offerId !== offerId)
      issues.add(
        `lineItems[${i}].offerId`,
        'offer_mismatch',
        `line item ${line.lineItemNumber} is offer ${line.offerId}, not ${offerId}`,
      );
  });
  quantities.forEach((quantity, i) => {
    const line = order.lineItems.find((l) => l.lineItemNumber === lineItemNumbers?.[i]);
    if (given(quantity) && line && !line.cancelled && quantity !== line.quantity)
      issues.add(
        `lineItems[${i}].quantity`,
        'partial_cancellation',
        `a line item is cancelled whole: quantity must be ${line.quantity} (line item ${line.lineItemNumber}) or left out`,
      );
  });
};

/** Partner Center's provisioning status of a line: fulfilled, or cancelled once the cancellation propagated. */
export type LineProvisioningStatus = 'fulfilled' | 'cancellationPending' | 'cancelled';

export const lineProvisioningStatus = (
  line: Pick<OrderLineState, 'cancelled'>,
  cancellation: Pick<OrderCancellationState, 'propagatedAt'> | null,
): LineProvisioningStatus => {
  if (!line.cancelled) return 'fulfilled';
  return cancellation?.propagatedAt ? 'cancelled' : 'cancellationPending';
};

/** Intl builds a formatter per call (costly on every order response); the symbols of the few markets are kept. */
const currencySymbols = new Map<string, string>();

/** The symbol of an ISO 4217 currency ("$", "zł", "€"), as Partner Center's currencySymbol shows it. */
export const currencySymbol = (currencyCode: string): string => {
  const known = currencySymbols.get(currencyCode);
  if (known !== undefined) return known;
  const part = new Intl.NumberFormat('en-US', {
    style: 'currency',
    currency: currencyCode,
    currencyDisplay: 'narrowSymbol',
  })
    .formatToParts(0)
    .find((p) => p.type === 'currency');
  const symbol = part?.value ?? currencyCode;
  if (currencySymbols.size < 512) currencySymbols.set(currencyCode, symbol);
  return symbol;
};

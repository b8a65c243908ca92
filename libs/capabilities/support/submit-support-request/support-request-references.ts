import { Injectable } from '@nestjs/common';
import { DomainError, GUID_FORMAT, isGuid, normalizeDomain, parseSoftwareId } from '@csp/domain';
import type { Principal } from '@csp/platform';
import { ACCESS } from '@csp/capabilities/partners';
import { OrderAccess, orderNotFound } from '@csp/capabilities/orders';
import { StreamCommands } from '@csp/event-sourcing';

/**
 * Issue 12 item 7: a support request names one of the caller's own customers (tenant GUID or domain) and an
 * order of that customer (its id, or a subscription: a software id `{orderId}_{lineItemNumber}`). Anything
 * else is 404, the same whether the customer or order is another tenant's or does not exist.
 */
@Injectable()
export class SupportRequestReferences {
  constructor(
    private readonly orders: OrderAccess,
    private readonly streams: StreamCommands,
  ) {}

  async authorize(
    principal: Principal,
    refs: { customerTenantIdOrDomain: string; orderIdOrSubscriptionId: string },
  ): Promise<{ customerId: string; orderId: string }> {
    const customerId = await this.customerIdOf(refs.customerTenantIdOrDomain.trim());
    const ref = refs.orderIdOrSubscriptionId.trim();
    const software = GUID_FORMAT.test(ref) ? null : parseSoftwareId(ref.toLowerCase());
    const orderId = software?.orderId ?? ref;
    try {
      // 403 without the role, 404 unless the customer is the caller's, 404 unless the order is that customer's.
      const { order } = await this.orders.authorize(principal, customerId ?? '', orderId, ACCESS.supportRequest);
      if (software && !order.lineItems.some((l) => l.lineItemNumber === software.lineItemNumber))
        throw orderNotFound(ref);
      return { customerId: order.customerId, orderId: order.orderId };
    } catch (error) {
      // Name the field, and never echo the tenant GUID a domain resolved to.
      if (error instanceof DomainError && error.kind === 'not_found') throw notFound(error.code);
      throw error;
    }
  }

  /** The tenant GUID itself, or the customer that claimed the domain; undefined when nobody did. */
  private async customerIdOf(tenantIdOrDomain: string): Promise<string | undefined> {
    if (isGuid(tenantIdOrDomain)) return tenantIdOrDomain;
    const claim = await this.streams.load('customerDomain', normalizeDomain(tenantIdOrDomain));
    return claim.state.status === 'claimed' ? claim.state.customerId : undefined;
  }
}

function notFound(code: string): DomainError {
  return code === 'customer_not_found'
    ? new DomainError({
        code,
        kind: 'not_found',
        field: 'description.customerTenantIdOrDomain',
        detail: 'No customer with this tenant id or domain was found for this partner.',
      })
    : new DomainError({
        code: 'order_not_found',
        kind: 'not_found',
        field: 'description.orderIdOrSubscriptionId',
        detail: 'No order or subscription with this id was found for this customer.',
      });
}

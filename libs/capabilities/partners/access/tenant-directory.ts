import { Injectable } from '@nestjs/common';
import { CustomerRegistered, isGuid, streamIdOf, type TenantKind } from '@csp/domain';
import { LRUCache } from 'lru-cache';
import { PartnerRegistry } from '../partner-registry';
import { StreamCommands } from '@csp/event-sourcing';

export type RegisteredCustomer = CustomerRegistered['data'];

export const customerStreamId = (customerId: string): string => streamIdOf('customer', customerId);

/**
 * The one answer to "what is this tenant": a registered customer (with its record) or a partner. Every access
 * check asks here, so the partner registry plugs in at this one place. Until then partner status is inferred:
 * a tenant that is not a registered customer is a partner (so `unknown` is never answered yet).
 */
@Injectable()
export class TenantDirectory {
  /**
   * Registered customers by id. A customer stream holds one event, CustomerRegistered, and nothing changes it
   * afterwards, so a registered customer can be remembered for good (bounded, least recently used out). An
   * unknown id is not remembered: it may be registered a moment later.
   */
  static readonly CACHE_SIZE = 10_000;
  private readonly registered = new LRUCache<string, RegisteredCustomer>({ max: TenantDirectory.CACHE_SIZE });

  constructor(
    private readonly streams: StreamCommands,
    private readonly partners: PartnerRegistry,
  ) {}

  /** The registered customer with this tenant id, if any. */
  async customer(customerId: string): Promise<RegisteredCustomer | undefined> {
    if (!isGuid(customerId)) return undefined;
    const id = customerId.toLowerCase();
    const known = this.registered.get(id);
    if (known) return known;
    const { state } = await this.streams.load('customer', id);
    if (state.status !== 'registered') return undefined;
    this.registered.set(id, state);
    return state;
  }

  /** What the caller's tenant is, for the role table (libs/domain access-policy). */
  async kindOf(tenantId: string): Promise<TenantKind> {
    if (this.partners.isKnownPartner(tenantId)) return 'partner';
    if (await this.customer(tenantId)) return 'customer';
    // The partner registry is the only source of partner status (the AuthGuard refuses `unknown` first).
    return (await this.partners.isPartner(tenantId)) ? 'partner' : 'unknown';
  }
}

import { Inject, Injectable } from '@nestjs/common';
import { EVENT_STORE, type EventStore } from '@csp/event-store';
import { LRUCache } from 'lru-cache';
import { isGuid } from '@csp/platform';
import { loadPartner } from './register-partner/register-partner';

/**
 * The partner registry: the only source of "this tid is a partner". A tenant is a partner when its
 * `partner-{tid}` stream holds PartnerRegistered, whoever wrote it (start-up seeding, the operator CLI in another
 * process). Partners are never removed, so a registered one is remembered for good (bounded); an unknown tenant is
 * read again next time, so a partner the CLI adds is seen on its first request, without a restart.
 */
@Injectable()
export class PartnerRegistry {
  static readonly CACHE_SIZE = 10_000;
  private readonly known = new LRUCache<string, string>({ max: PartnerRegistry.CACHE_SIZE });

  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  /** Without I/O: true only for a partner seen before. */
  isKnownPartner(tenantId: string): boolean {
    return this.known.get(tenantId.toLowerCase()) !== undefined;
  }

  async isPartner(tenantId: string): Promise<boolean> {
    if (!isGuid(tenantId)) return false;
    const id = tenantId.toLowerCase();
    if (this.known.get(id) !== undefined) return true;
    const { state } = await loadPartner(this.store, id);
    if (state.status !== 'registered') return false;
    this.known.set(id, state.name);
    return true;
  }
}

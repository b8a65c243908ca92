import type { PoolClient } from 'pg';
import type { EventStore, RecordedEvent } from '@csp/event-store';
import { LRUCache } from 'lru-cache';
import { customerNamedBy, partnerNamedBy, SYSTEM_LOG, tenantOf } from './tenant-of-event';

/** Facts of the history kept in memory between rounds (they never change once true): bounded. */
const REMEMBERED = 50_000;

/** What a batch records for later batches: streams whose first event names no partner, customers' partners. */
export interface Learnt {
  streams: [string, string][];
  customers: [string, string][];
}

/**
 * Decides, in global order, which tenant's tree each event is a leaf of (tenant-of-event.ts), with as little
 * database work per event as possible. An event that names its partner (nearly all) needs nothing. The tenant of a
 * stream is its first event's: that event's partner when it names one (read back from the store when needed, so
 * nothing is written for such streams), else what it was attributed to, recorded in audit_stream_tenants. A
 * customer's partner is the first partner named beside it, recorded once in audit_customer_partners. Both are
 * remembered in memory (bounded), filled only with what committed.
 */
export class TenantAttribution {
  private readonly streams = new LRUCache<string, string>({ max: REMEMBERED });
  private readonly customers = new LRUCache<string, string>({ max: REMEMBERED });

  /** Tenants of `events` (in order), and what the batch learnt; `commit` it once the batch is stored. */
  async attribute(
    client: PoolClient,
    store: EventStore,
    events: readonly RecordedEvent[],
  ): Promise<{ tenants: string[]; learnt: Learnt }> {
    const learnt: Learnt = { streams: [], customers: [] };
    const batchStreams = new Map<string, string>();
    const batchCustomers = new Map<string, string>();
    // Only events that name no partner are attributed from their stream: fetch what those need. Customers are looked
    // up once per process (then remembered), to learn the new ones.
    const orphans = events.filter((e) => partnerNamedBy(e) === undefined);
    const storedStreams = await this.lookup(
      client,
      'audit_stream_tenants',
      'stream_id',
      orphans.filter((e) => e.streamPosition > 1).map((e) => e.streamId),
      this.streams,
    );
    const storedCustomers = await this.lookup(
      client,
      'audit_customer_partners',
      'customer_id',
      events.map(customerNamedBy).filter((c): c is string => c !== undefined),
      this.customers,
    );
    const customerPartner = (c: string) => this.customers.get(c) ?? storedCustomers.get(c) ?? batchCustomers.get(c);
    const tenants: string[] = [];
    for (const e of events) {
      const partner = partnerNamedBy(e);
      const customer = customerNamedBy(e);
      let tenant: string;
      if (partner !== undefined) {
        tenant = partner;
        if (e.streamPosition === 1) batchStreams.set(e.streamId, partner);
      } else if (e.streamPosition === 1) {
        tenant = tenantOf(e, undefined, customerPartner);
        batchStreams.set(e.streamId, tenant);
        learnt.streams.push([e.streamId, tenant]);
      } else {
        const stream =
          batchStreams.get(e.streamId) ??
          this.streams.get(e.streamId) ??
          storedStreams.get(e.streamId) ??
          (await this.firstPartner(store, e.streamId));
        tenant = tenantOf(e, stream, customerPartner);
        if (stream === undefined) {
          // The stream's first event is gone from the store (or named no partner and was never recorded): this
          // event stands first, as it did for the producer that met it first.
          batchStreams.set(e.streamId, tenant);
          learnt.streams.push([e.streamId, tenant]);
        }
      }
      if (customer !== undefined && partner !== undefined && customerPartner(customer) === undefined) {
        batchCustomers.set(customer, partner);
        learnt.customers.push([customer, partner]);
      }
      tenants.push(tenant);
    }
    return { tenants, learnt };
  }

  /** After the batch committed: what it attributed and learnt holds for good. */
  remember(events: readonly RecordedEvent[], tenants: readonly string[], learnt: Learnt): void {
    events.forEach((e, i) => {
      if (e.streamPosition === 1) this.streams.set(e.streamId, tenants[i]);
    });
    for (const [s, t] of learnt.streams) this.streams.set(s, t);
    for (const [c, p] of learnt.customers) this.customers.set(c, p);
  }

  /** Stored facts for keys not remembered yet (one query), remembered from now on. */
  private async lookup(
    client: PoolClient,
    table: string,
    key: string,
    keys: string[],
    memory: LRUCache<string, string>,
  ): Promise<Map<string, string>> {
    const wanted = [...new Set(keys)].filter((k) => memory.get(k) === undefined);
    if (wanted.length === 0) return new Map();
    const { rows } = await client.query<{ k: string; tenant_id: string }>(
      `SELECT ${key} AS k, tenant_id FROM ${table} WHERE ${key} = ANY($1::text[])`,
      [wanted],
    );
    for (const r of rows) memory.set(r.k, r.tenant_id);
    return new Map(rows.map((r) => [r.k, r.tenant_id]));
  }

  /** The partner the stream's first event names, from the store (undefined: none, or no first event). */
  private async firstPartner(store: EventStore, streamId: string): Promise<string | undefined> {
    const { events } = await store.readStream(streamId, { from: 1, to: 1 });
    const partner = events[0] ? partnerNamedBy(events[0]) : undefined;
    if (partner !== undefined) this.streams.set(streamId, partner);
    return partner;
  }
}

export { SYSTEM_LOG };

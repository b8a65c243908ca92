import { Inject, Injectable } from '@nestjs/common';
import { DomainError, streamIdOf } from '@csp/domain';
import { EVENT_STORE, EventStore, RecordedEvent } from '@csp/event-store';

/** API.md's event as auditors read it. */
export interface FeedEvent {
  position: number;
  streamId: string;
  streamPosition: number;
  eventId: string;
  type: string;
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
  recordedAt: string;
}

/** Most events one request scans for a tenant's page; past it the page ends early with a `next` link. */
export const FEED_SCAN_LIMIT = 20_000;
const TYPE_NAME = /^[A-Za-z][A-Za-z0-9:_.-]{0,99}$/;

export const toFeedEvent = (e: RecordedEvent): FeedEvent => ({
  position: e.globalPosition,
  streamId: e.streamId,
  streamPosition: e.streamPosition,
  eventId: e.eventId,
  type: e.type,
  data: e.data,
  metadata: e.metadata,
  recordedAt: e.recordedAt.toISOString(),
});

/** `type=A,B` or a single type. */
export function parseEventTypes(value: string | undefined): string[] | undefined {
  if (value === undefined || value === '') return undefined;
  const types = value.split(',').map((t) => t.trim());
  if (types.some((t) => !TYPE_NAME.test(t))) {
    throw new DomainError({
      code: 'invalid_event_type',
      kind: 'validation',
      field: 'type',
      detail: 'type must be an event type name, or several separated by commas',
    });
  }
  return types;
}

/**
 * The auditors' feed, read from the event store itself (the truth, no projection lag), confined to the
 * caller's tenant. An event belongs to the partner tenant that owns it:
 *  1. its data's `partnerTenantId`;
 *  2. else the partner of its data's `customerId` (from that customer's CustomerRegistered; cached, a
 *     customer never changes partner) — e.g. CancellationPropagated;
 *  3. else its metadata's `tenantId` (the tenant whose request caused it).
 * Events that name no tenant are in nobody's feed.
 */
@Injectable()
export class EventFeedService {
  private readonly partnerOfCustomer = new Map<string, string | null>();

  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async page(
    tenantId: string,
    options: { after: number; size: number; types?: string[] },
  ): Promise<{ items: FeedEvent[]; next: number | null }> {
    const tenant = tenantId.toLowerCase();
    const items: FeedEvent[] = [];
    let position = options.after;
    let scanned = 0;
    while (scanned < FEED_SCAN_LIMIT) {
      const batch = await this.store.readAll({ after: position, maxCount: 1000, types: options.types });
      for (const event of batch.events) {
        scanned += 1;
        if ((await this.ownerOf(event)) === tenant) {
          items.push(toFeedEvent(event));
          if (items.length === options.size) return { items, next: event.globalPosition };
        }
      }
      if (batch.isEnd || batch.events.length === 0) return { items, next: null };
      position = batch.lastPosition;
    }
    // Scanned enough for one request: the caller resumes after what was scanned.
    return { items, next: position };
  }

  async ownerOf(event: RecordedEvent): Promise<string | null> {
    const data = event.data as { partnerTenantId?: unknown; customerId?: unknown };
    if (typeof data.partnerTenantId === 'string') return data.partnerTenantId.toLowerCase();
    if (typeof data.customerId === 'string') {
      const partner = await this.partnerOf(data.customerId.toLowerCase());
      if (partner) return partner;
    }
    const tenant = event.metadata.tenantId;
    return typeof tenant === 'string' ? tenant.toLowerCase() : null;
  }

  private async partnerOf(customerId: string): Promise<string | null> {
    if (this.partnerOfCustomer.has(customerId)) return this.partnerOfCustomer.get(customerId) ?? null;
    // Not always the first event: a registration that lost its domain claim leaves CustomerDomainClaimLapsed first.
    const stream = await this.store.readStream(streamIdOf('customer', customerId));
    const registered = stream.events.find((e) => e.type === 'CustomerRegistered');
    const partner = (registered?.data as { partnerTenantId?: unknown } | undefined)?.partnerTenantId;
    const value = typeof partner === 'string' ? partner.toLowerCase() : null;
    // Only a known answer is cached: a customer not registered yet may be soon.
    if (value) this.partnerOfCustomer.set(customerId, value);
    return value;
  }
}

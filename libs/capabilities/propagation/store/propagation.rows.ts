// Reading the propagation store's rows back: one shape per row, the first write per key.
import type { PropagationRow } from './propagation.types';

export const iso = (v: Date | string | null): string | null => (v === null ? null : new Date(v).toISOString());

/** The first item per key, in order: what a sequence of coalescing writes would have kept. */
export function firstPerKey<T>(items: readonly T[], key: (item: T) => string): T[] {
  const seen = new Map<string, T>();
  for (const item of items) {
    const k = key(item);
    if (!seen.has(k)) seen.set(k, item);
  }
  return [...seen.values()];
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function toRow(r: any): PropagationRow {
  return {
    cancellationEventId: r.cancellation_event_id,
    orderId: r.order_id,
    streamId: r.stream_id,
    customerId: r.customer_id,
    cancelledAt: iso(r.cancelled_at) as string,
    propagationDeadline: iso(r.propagation_deadline) as string,
    keysRevokedAt: iso(r.keys_revoked_at),
    linksRevokedAt: iso(r.links_revoked_at),
    creditPostedAt: iso(r.credit_posted_at),
    propagatedAt: iso(r.propagated_at),
    overdueAt: iso(r.overdue_at),
    failures: r.failures,
  };
}

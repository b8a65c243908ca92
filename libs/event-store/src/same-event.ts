import type { EventMetadata, NewEvent, RecordedEvent } from './event-store.port';

/** Metadata that says whose command an event is; the rest (correlation id, policy) may differ on a retry. */
const IDENTITY_METADATA = ['requestId', 'userId', 'tenantId', 'command'] as const;

/**
 * Is the stored event the one this append would write? Same stream, type, data (as JSON: a store may
 * reorder keys) and the same caller. Only then may a duplicate event id count as an idempotent replay.
 */
export function isSameEvent(
  stored: Pick<RecordedEvent, 'streamId' | 'type' | 'data' | 'metadata'>,
  streamId: string,
  event: NewEvent,
): boolean {
  if (stored.streamId !== streamId || stored.type !== event.type) return false;
  if (!jsonEqual(stored.data, roundTrip(event.data))) return false;
  const a: EventMetadata = stored.metadata ?? {};
  const b: EventMetadata = event.metadata ?? {};
  return IDENTITY_METADATA.every((k) => (a[k] ?? null) === (b[k] ?? null));
}

function roundTrip(value: unknown): unknown {
  return value === undefined ? undefined : JSON.parse(JSON.stringify(value));
}

function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((v, i) => jsonEqual(v, bb[i]));
  }
  const ka = Object.keys(a);
  const ob = b as Record<string, unknown>;
  return (
    ka.length === Object.keys(ob).length &&
    ka.every((k) => k in ob && jsonEqual((a as Record<string, unknown>)[k], ob[k]))
  );
}

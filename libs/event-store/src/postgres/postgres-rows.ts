// Rows of the PostgreSQL event store as recorded events.
import type { DomainEvent, RecordedEvent } from '../event-store.port';

export type EventRow = {
  global_position: string;
  stream_id: string;
  stream_position: string;
  event_id: string;
  type: string;
  data: unknown;
  metadata: unknown;
  recorded_at: Date;
};

/**
 * A readAll row as an array: head, bound, then EVENT_COLUMNS (global_position, stream_id, stream_position,
 * event_id, type, data, metadata, recorded_at). No object with named fields per row: less garbage on the
 * hottest read.
 */
export type ReadAllRow = [string, string, string | null, string, string, string, string, unknown, unknown, Date];

export function recordedFromArray(r: ReadAllRow): RecordedEvent {
  return {
    eventId: r[5],
    streamId: r[3],
    streamPosition: Number(r[4]),
    globalPosition: Number(r[2]),
    type: r[6],
    data: r[7] as RecordedEvent['data'],
    metadata: (r[8] ?? {}) as RecordedEvent['metadata'],
    recordedAt: r[9],
  };
}

export function toRecorded<E extends DomainEvent>(row: EventRow): RecordedEvent<E> {
  return {
    eventId: row.event_id,
    streamId: row.stream_id,
    streamPosition: Number(row.stream_position),
    globalPosition: Number(row.global_position),
    type: row.type as E['type'],
    data: row.data as E['data'],
    metadata: (row.metadata ?? {}) as RecordedEvent['metadata'],
    recordedAt: row.recorded_at,
  };
}

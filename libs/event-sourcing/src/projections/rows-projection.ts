import type { DomainEvent, RecordedEvent } from '@csp/event-store';
import type { MigrateOptions, Projection, Recorded } from '@csp/read-models';
import type { PoolClient } from 'pg';
import { narrowEvents, type EventTypesOf } from './typed-events';

/** A read model of rows that events add and never fold (see rowsProjection). */
export interface RowsProjectionDefinition<E extends DomainEvent, R> {
  /** Stable name: checkpoint key, advisory-lock key, NOTIFY payload. */
  name: string;
  /** Bumped when the rows' shape or meaning changes (a rebuild is then due). */
  version: number;
  /** Every member of the union E, by its type. */
  eventTypes: EventTypesOf<E>;
  migrate(client: PoolClient, options?: MigrateOptions): Promise<void>;
  /** The rows one event gives (none: an empty list). Pure. */
  rows(event: Recorded<E>): readonly R[];
  /**
   * Writes a batch's rows, in the order of their events, in a statement or two; rows of a redelivered event
   * change nothing (they are keyed by what they record, e.g. the event id).
   */
  write(client: PoolClient, rows: readonly R[]): Promise<void>;
}

/**
 * A projection of rows that are facts of their own (an append-only log): each event of the typed union maps to
 * rows, and a batch's rows are written together. For read models that are not a document per key.
 */
export function rowsProjection<E extends DomainEvent, R>(definition: RowsProjectionDefinition<E, R>): Projection {
  const { name, version, rows, write } = definition;
  const eventTypes = Object.keys(definition.eventTypes);
  const types = new Set(eventTypes);
  return {
    name,
    version,
    eventTypes,
    migrate: (client, options) => definition.migrate(client, options),
    async apply(client: PoolClient, events: RecordedEvent[]): Promise<void> {
      const out: R[] = [];
      for (const event of narrowEvents<E>(types, events)) out.push(...rows(event));
      if (out.length > 0) await write(client, out);
    },
  };
}

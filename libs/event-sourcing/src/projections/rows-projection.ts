import type { DomainEvent } from '@csp/event-store';
import type { Projection } from './projection';
import type { Recorded } from './sql/recorded';
import type { PoolClient } from 'pg';
import { typedProjection, type TypedProjectionDefinition } from './typed-events';

/** A projection of rows that events add and never fold (see rowsProjection). */
export interface RowsProjectionDefinition<E extends DomainEvent, R> extends TypedProjectionDefinition<E> {
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
 * rows, and a batch's rows are written together. For projections that are not a document per key.
 */
export function rowsProjection<E extends DomainEvent, R>(definition: RowsProjectionDefinition<E, R>): Projection {
  const { rows, write } = definition;
  return typedProjection(definition, async (client, typed) => {
    const out: R[] = [];
    for (const event of typed) for (const row of rows(event)) out.push(row);
    if (out.length > 0) await write(client, out);
  });
}

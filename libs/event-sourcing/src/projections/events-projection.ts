import type { DomainEvent } from '@csp/event-store';
import type { Projection } from './projection';
import type { Recorded } from './sql/recorded';
import type { PoolClient } from 'pg';
import { typedProjection, type TypedProjectionDefinition } from './typed-events';

/** A projection that applies its typed batches itself (see eventsProjection). */
export interface EventsProjectionDefinition<E extends DomainEvent> extends TypedProjectionDefinition<E> {
  /**
   * Writes the rows of a batch of the union's events (in global order, non-empty) without committing; a batch
   * of any size must give the rows its events give one by one, and a redelivered batch must change nothing.
   */
  apply(client: PoolClient, events: readonly Recorded<E>[]): Promise<void>;
}

/**
 * The typed projection for tables that are neither a document per key nor rows per event (their rows
 * depend on other rows, e.g. a ledger whose statements move lines): the batch arrives narrowed to the union.
 */
export function eventsProjection<E extends DomainEvent>(definition: EventsProjectionDefinition<E>): Projection {
  return typedProjection(definition, (client, events) => definition.apply(client, events));
}

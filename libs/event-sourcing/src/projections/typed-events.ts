import type { DomainEvent, RecordedEvent } from '@csp/event-store';
import type { MigrateOptions, Projection } from './projection';
import type { Recorded } from './sql/recorded';
import type { PoolClient } from 'pg';

/**
 * The event types of a projection's union, each member named once: `{ OrderPlaced: true, ... }`. A record
 * rather than a list so that the compiler refuses both a missing member and a type outside the union.
 */
export type EventTypesOf<E extends DomainEvent> = { readonly [K in E['type']]: true };

/** What every typed projection declares. */
export interface TypedProjectionDefinition<E extends DomainEvent> {
  /** Stable name: checkpoint key, advisory-lock key, NOTIFY payload. */
  name: string;
  /** Bumped when the rows' shape or meaning changes (a rebuild is then due). */
  version: number;
  /** Every member of the union E, by its type. */
  eventTypes: EventTypesOf<E>;
  migrate(client: PoolClient, options?: MigrateOptions): Promise<void>;
}

/**
 * The one place where a RecordedEvent becomes a member of a projection's typed union: the events whose
 * type the union declares, typed as the union (checking `type` then narrows `data`), in their order.
 */
export function narrowEvents<E extends DomainEvent>(
  types: ReadonlySet<string>,
  events: readonly RecordedEvent[],
): Recorded<E>[] {
  const out: Recorded<E>[] = [];
  for (const event of events) if (types.has(event.type)) out.push(event as Recorded<E>);
  return out;
}

/** A projection whose batches reach `apply` narrowed to the union E (empty batches do not). */
export function typedProjection<E extends DomainEvent>(
  definition: TypedProjectionDefinition<E>,
  apply: (client: PoolClient, events: Recorded<E>[]) => Promise<void>,
): Projection {
  const eventTypes = Object.keys(definition.eventTypes);
  const types = new Set(eventTypes);
  return {
    name: definition.name,
    version: definition.version,
    eventTypes,
    migrate: (client, options) => definition.migrate(client, options),
    async apply(client: PoolClient, events: RecordedEvent[]): Promise<void> {
      const typed = narrowEvents<E>(types, events);
      if (typed.length > 0) await apply(client, typed);
    },
  };
}

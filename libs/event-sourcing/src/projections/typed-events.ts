import type { DomainEvent, RecordedEvent } from '@csp/event-store';
import type { Recorded } from '@csp/read-models';

/**
 * The event types of a projection's union, each member named once: `{ OrderPlaced: true, ... }`. A record
 * rather than a list so that the compiler refuses both a missing member and a type outside the union.
 */
export type EventTypesOf<E extends DomainEvent> = { readonly [K in E['type']]: true };

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

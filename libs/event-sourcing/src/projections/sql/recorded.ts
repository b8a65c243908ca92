import type { DomainEvent, RecordedEvent } from '@csp/event-store';

/** RecordedEvent over each member of a union, so that checking `type` narrows `data`. */
export type Recorded<E extends DomainEvent> = E extends DomainEvent ? RecordedEvent<E> : never;

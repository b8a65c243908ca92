export * from './event-store.port';
export { deriveEventId, eventIdName, EVENT_ID_NAMESPACE, uuidNamespace, uuidV5, type EventIdScope } from './event-id';
export type { EventStoreLogger } from './event-store.logger';
export { createEventStore, type EventStoreConfig, type EventStoreHandle } from './event-store.factory';
export { PostgresEventStore, type PostgresEventStoreOptions } from './postgres/postgres-event-store';
export { isConnectionError } from './postgres/postgres-errors';
export { NON_APPENDING_SESSIONS } from './postgres/postgres-event-store.schema';
export {
  startEmbeddedPostgres,
  type EmbeddedPostgresHandle,
  type EmbeddedPostgresOptions,
} from './embedded/embedded-postgres';
export { EmbeddedPostgresUnavailableError } from './embedded/embedded-postgres-unavailable.error';
export { KurrentDbEventStore, type KurrentDbEventStoreOptions } from './kurrentdb/kurrentdb-event-store';
export { isSameEvent } from './same-event';

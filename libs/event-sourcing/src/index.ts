// The event-sourcing kit shared by every capability and knowing none: the store provider, database pool, clock,
// domain data, command handling, checkpoints (read-your-writes), the projection runner and its SQL helpers,
// replay/verify, the queue backend; provided once per process by EventSourcingModule.

export { CheckpointWatcher } from './checkpoints/checkpoint-watcher';
export { CHECKPOINT_WATCHER, ReadModelBehindError, ReadYourWrites } from './checkpoints/read-your-writes';
export { CLOCK } from './clock/clock.port';
export type { Clock } from './clock/clock.port';
export { ControllableClock } from './clock/controllable.clock';
export * from './command-handling';
export { DATABASE_POOL } from './database/database-pool';
export { inTransaction } from './database/in-transaction';
export { migrateUnderLock } from './database/migrate-under-lock';
export { DOMAIN_DATA, domainDataProvider } from './domain-data/domain-data.provider';
export { EVENT_STORE_HANDLE, EventSourcingModule } from './event-sourcing.module';
export type { EventSourcingOptions } from './event-sourcing.module';
export { ProjectionRunnerGroup } from './projections/projection-runner-group';
export { ProjectionRunner } from './projections/projection-runner';
export type { MigrateOptions, Projection } from './projections/projection';
export { PROJECTIONS, ProjectionsHost, ProjectionsWorkerModule } from './projections/projections.worker.module';
export { migrateProjectionTables } from './projections/migrate-projection-tables';
export { documentProjection } from './projections/document-projection';
export type { DocumentProjectionDefinition, StoredDocument } from './projections/document-projection';
export { eventsProjection } from './projections/events-projection';
export type { EventsProjectionDefinition } from './projections/events-projection';
export { rowsProjection } from './projections/rows-projection';
export type { RowsProjectionDefinition } from './projections/rows-projection';
export { narrowEvents, typedProjection } from './projections/typed-events';
export type { EventTypesOf, TypedProjectionDefinition } from './projections/typed-events';
export { arrayLiteral, columns, jsonColumn } from './projections/sql/columns';
export { migrateDdl } from './projections/sql/migrate-ddl';
export { decodeToken, encodeToken, iso, keyset, pageSize, toPage, tokenTimestamp } from './projections/sql/paging';
export type { KeyColumn, Keyset, Page, PageRequest } from './projections/sql/paging';
export type { Recorded } from './projections/sql/recorded';
export { databaseQueueName } from './queue/database-queue-name';
export { QueueBackend } from './queue/queue-backend';
export type { AppQueue, AppWorker } from './queue/queue-backend';
export { withTimeout } from './queue/with-timeout';
export { queueNamespace } from '@csp/platform';
export { countEvents, openProjectionDatabase, progressDisplay, selectProjections } from './replay/replay-cli-support';
export { replayProjections } from './replay/replay';
export { ShadowBuild } from './replay/shadow-build';
export { describeDifference, verifyProjections } from './replay/verify';
export { openEventStore } from './event-store/open-event-store';

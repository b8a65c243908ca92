import { startEmbeddedPostgres, type EmbeddedPostgresHandle } from './embedded/embedded-postgres';
import type { EventStore } from './event-store.port';
import { logInfo, silentLogger, type EventStoreLogger } from './event-store.logger';
import { KurrentDbEventStore } from './kurrentdb/kurrentdb-event-store';
import { PostgresEventStore } from './postgres/postgres-event-store';
import { join } from 'node:path';

export interface EventStoreConfig {
  /** PostgreSQL for events (unless eventStoreUrl is set) and for the projections' tables. Unset: embedded. */
  databaseUrl?: string;
  /** KurrentDB connection string (kurrentdb://…): events go there. */
  eventStoreUrl?: string;
  /** Where the embedded PostgreSQL keeps its data (under `<dataDir>/pg`). */
  dataDir: string;
  /** PostgreSQL schema of the event tables. Default 'public'. */
  schema?: string;
  /** Port of the embedded PostgreSQL; default: a free one. */
  embeddedPort?: number;
  logger?: EventStoreLogger;
  /** The stream registry's prefixes: what the KurrentDB adapter reads of $all. */
  streamPrefixes: readonly string[];
}

export interface EventStoreHandle {
  store: EventStore;
  /** The PostgreSQL the projections' tables are in (the embedded one when DATABASE_URL is unset). */
  databaseUrl: string;
  close(): Promise<void>;
}

/**
 * Chooses the event store from the configuration:
 * EVENTSTORE_URL → KurrentDB for events (PostgreSQL still holds the projections' tables);
 * else DATABASE_URL → PostgreSQL; else an embedded PostgreSQL under dataDir.
 */
export async function createEventStore(config: EventStoreConfig): Promise<EventStoreHandle> {
  const logger = config.logger ?? silentLogger;
  let embedded: EmbeddedPostgresHandle | undefined;
  let databaseUrl = config.databaseUrl;
  if (!databaseUrl) {
    embedded = await startEmbeddedPostgres({ dataDir: join(config.dataDir, 'pg'), port: config.embeddedPort, logger });
    databaseUrl = embedded.url;
  }
  try {
    let store: EventStore;
    if (config.eventStoreUrl) {
      store = new KurrentDbEventStore({
        connectionString: config.eventStoreUrl,
        streamPrefixes: config.streamPrefixes,
        logger,
      });
      logInfo(logger, 'event store: KurrentDB');
    } else {
      store = await PostgresEventStore.create({
        connectionString: databaseUrl,
        schema: config.schema,
        kind: embedded ? 'embedded' : 'postgresql',
        logger,
      });
      logInfo(logger, `event store: ${store.kind}`);
    }
    let closing: Promise<void> | undefined;
    return {
      store,
      databaseUrl,
      close: () =>
        (closing ??= (async () => {
          await store.close();
          await embedded?.stop();
        })()),
    };
  } catch (error) {
    await embedded?.stop();
    throw error;
  }
}

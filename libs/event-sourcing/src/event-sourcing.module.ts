import { DynamicModule, Global, Inject, Injectable, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import { Pool } from 'pg';
import { EmbeddedPostgresUnavailableError, EVENT_STORE, EventStore, EventStoreHandle } from '@csp/event-store';
import { openEventStore } from './event-store/open-event-store';
import { AppConfig, queueNamespace } from '@csp/platform';
import { CheckpointWatcher } from './checkpoints/checkpoint-watcher';
import { CHECKPOINT_WATCHER, ReadYourWrites } from './checkpoints/read-your-writes';
import { CLOCK, Clock } from './clock/clock.port';
import { SystemClock } from './clock/system.clock';
import { StreamCommands } from './command-handling/stream-commands';
import { DATABASE_POOL } from './database/database-pool';
import { domainDataProvider } from './domain-data/domain-data.provider';
import { QueueBackend } from './queue/queue-backend';

export const EVENT_STORE_HANDLE = Symbol('EVENT_STORE_HANDLE');

export interface EventSourcingOptions {
  /** Replace the system clock (tests, fault suites). */
  clock?: Clock;
}

/** No embedded PostgreSQL on this machine: one line saying why and what to set, not a stack trace. */
function exitWhenEmbeddedUnavailable(error: unknown): never {
  if (!(error instanceof EmbeddedPostgresUnavailableError)) throw error;
  console.error(`csp-orders cannot start: ${error.message}`);
  process.exit(1);
}

/** Closes what the module opened, in reverse order, when the app shuts down (SIGTERM). */
@Injectable()
class EventSourcingLifecycle implements OnApplicationShutdown {
  private readonly logger = new Logger('EventSourcing');
  constructor(
    @Inject(EVENT_STORE_HANDLE) private readonly handle: EventStoreHandle,
    @Inject(DATABASE_POOL) private readonly pool: Pool,
    private readonly queues: QueueBackend,
  ) {}

  /** After every worker has closed (beforeApplicationShutdown), and before the pool closes. */
  async onApplicationShutdown(): Promise<void> {
    await this.queues.close().catch((e: unknown) => this.logger.warn(`closing queues: ${String(e)}`));
    await this.pool.end().catch((e: unknown) => this.logger.warn(`closing pool: ${String(e)}`));
    await this.handle.close().catch((e: unknown) => this.logger.warn(`closing event store: ${String(e)}`));
  }
}

/**
 * What every capability shares, provided exactly once per process (global): the event store chosen from the
 * configuration (KurrentDB, PostgreSQL or the embedded PostgreSQL), the projections' database pool, the clock,
 * the domain data, command handling (StreamCommands), the checkpoint watcher (read-your-writes) and the queue
 * backend (Redis or PostgreSQL). Hosting modules (apps/api, apps/worker) import it once.
 */
@Global()
@Module({})
export class EventSourcingModule {
  static forRoot(options: EventSourcingOptions = {}): DynamicModule {
    return {
      module: EventSourcingModule,
      global: true,
      providers: [
        {
          provide: EVENT_STORE_HANDLE,
          inject: [AppConfig],
          useFactory: (config: AppConfig): Promise<EventStoreHandle> =>
            openEventStore(config, new Logger('EventStore')).catch(exitWhenEmbeddedUnavailable),
        },
        {
          provide: EVENT_STORE,
          inject: [EVENT_STORE_HANDLE],
          useFactory: (h: EventStoreHandle): EventStore => h.store,
        },
        {
          provide: DATABASE_POOL,
          inject: [EVENT_STORE_HANDLE],
          useFactory: (h: EventStoreHandle): Pool => {
            const pool = new Pool({ connectionString: h.databaseUrl, max: 20, connectionTimeoutMillis: 5000 });
            // A dropped idle connection (PostgreSQL restart) must not crash the process; queries report errors.
            pool.on('error', () => undefined);
            return pool;
          },
        },
        {
          provide: QueueBackend,
          inject: [AppConfig, EVENT_STORE_HANDLE],
          useFactory: async (config: AppConfig, h: EventStoreHandle): Promise<QueueBackend> => {
            const logger = new Logger('Queues');
            const backend = new QueueBackend({
              redisUrl: config.redisUrl,
              databaseUrl: h.databaseUrl,
              namespace: queueNamespace(h.databaseUrl, config.queueNamespace),
              onWarning: (w) => logger.warn(w),
            });
            await backend.checkSettings();
            return backend;
          },
        },
        { provide: CLOCK, useValue: options.clock ?? new SystemClock() },
        domainDataProvider,
        StreamCommands,
        {
          provide: CHECKPOINT_WATCHER,
          inject: [DATABASE_POOL],
          useFactory: (pool: Pool) => new CheckpointWatcher(pool),
        },
        ReadYourWrites,
        EventSourcingLifecycle,
      ],
      exports: [
        EVENT_STORE_HANDLE,
        EVENT_STORE,
        DATABASE_POOL,
        QueueBackend,
        CLOCK,
        domainDataProvider,
        StreamCommands,
        CHECKPOINT_WATCHER,
        ReadYourWrites,
      ],
    };
  }
}

import { DynamicModule, Global, Inject, Injectable, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import { Pool } from 'pg';
import { EmbeddedPostgresUnavailableError, EVENT_STORE, EventStore, EventStoreHandle } from '@csp/event-store';
import { openEventStore } from '@csp/event-sourcing';
import { AppConfig } from '@csp/platform';
import { QueueBackend } from '@csp/propagation';
import { DerivedMakLicensingAdapter } from '../adapters/derived-mak-licensing.adapter';
import { HmacDownloadLinkSigner } from '../adapters/hmac-download-link.signer';
import { LocalArtifactStore } from '../adapters/local-artifact.store';
import { SystemClock } from '../adapters/system.clock';
import { ARTIFACT_STORE } from '../ports/artifact-store.port';
import { CLOCK, Clock } from '../ports/clock.port';
import { DOWNLOAD_LINK_SIGNER } from '../ports/download-link-signer.port';
import { LICENSING } from '../ports/licensing.port';
import { DATABASE_POOL } from './database-pool';

export const EVENT_STORE_HANDLE = Symbol('EVENT_STORE_HANDLE');

export interface InfrastructureOptions {
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
class InfrastructureLifecycle implements OnApplicationShutdown {
  private readonly logger = new Logger('Infrastructure');
  constructor(
    @Inject(EVENT_STORE_HANDLE) private readonly handle: EventStoreHandle,
    @Inject(DATABASE_POOL) private readonly pool: Pool,
    private readonly queues: QueueBackend,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await this.queues.close().catch((e: unknown) => this.logger.warn(`closing queues: ${String(e)}`));
    await this.pool.end().catch((e: unknown) => this.logger.warn(`closing pool: ${String(e)}`));
    await this.handle.close().catch((e: unknown) => this.logger.warn(`closing event store: ${String(e)}`));
  }
}

/**
 * Chooses and opens the adapters from the configuration: the event store (KurrentDB, PostgreSQL or the
 * embedded PostgreSQL), the read-model pool, the queue backend (Redis or PostgreSQL) and the default
 * licensing, link-signing and artifact adapters. Used by the api and the worker alike.
 */
@Global()
@Module({})
export class InfrastructureModule {
  static forRoot(options: InfrastructureOptions = {}): DynamicModule {
    return {
      module: InfrastructureModule,
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
              onWarning: (w) => logger.warn(w),
            });
            await backend.checkSettings();
            return backend;
          },
        },
        { provide: CLOCK, useValue: options.clock ?? new SystemClock() },
        {
          provide: LICENSING,
          inject: [AppConfig, DATABASE_POOL, CLOCK],
          useFactory: async (config: AppConfig, pool: Pool, clock: Clock): Promise<DerivedMakLicensingAdapter> => {
            const adapter = new DerivedMakLicensingAdapter({ secret: config.keyDerivationSecret, pool, clock });
            await adapter.migrate();
            return adapter;
          },
        },
        {
          provide: DOWNLOAD_LINK_SIGNER,
          inject: [AppConfig],
          useFactory: (config: AppConfig): HmacDownloadLinkSigner =>
            new HmacDownloadLinkSigner([{ kid: 'k1', secret: config.linkSigningSecret }]),
        },
        {
          provide: ARTIFACT_STORE,
          inject: [AppConfig],
          useFactory: (config: AppConfig): LocalArtifactStore =>
            new LocalArtifactStore({ rootDir: config.artifactsDir }),
        },
        InfrastructureLifecycle,
      ],
      exports: [
        EVENT_STORE_HANDLE,
        EVENT_STORE,
        DATABASE_POOL,
        QueueBackend,
        CLOCK,
        LICENSING,
        DOWNLOAD_LINK_SIGNER,
        ARTIFACT_STORE,
      ],
    };
  }
}

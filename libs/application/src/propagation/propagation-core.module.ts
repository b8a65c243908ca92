import { Inject, Injectable, Logger, Module, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import type { EventStoreHandle } from '@csp/event-store';
import { AppConfig, type PropagationSettings } from '@csp/platform';
import {
  migratePropagation,
  PropagationMetrics,
  PropagationQueues,
  PropagationStore,
  QueueBackend,
  type PropagationOptions,
} from '@csp/propagation';
import type { Pool } from 'pg';
import { DATABASE_POOL } from '../infrastructure/database-pool';
import { EVENT_STORE_HANDLE } from '../infrastructure/infrastructure.module';
import { CLOCK, type Clock } from '../ports/clock.port';
import { domainDataProvider } from '../shared/domain-data.provider';
import { StreamCommands } from '@csp/event-sourcing/command-handling';
import { CommandOrderStreams } from './order-streams.adapter';

export const PROPAGATION_OPTIONS = Symbol('PROPAGATION_OPTIONS');

/** The PROPAGATION_* settings, validated at boot by the platform config, as propagation's options. */
export function propagationOptionsOf(s: PropagationSettings): PropagationOptions {
  return {
    retry: { attempts: s.attempts, backoffMs: s.backoffMs },
    reconcileEveryMs: s.reconcileEveryMs,
    concurrency: s.concurrency,
    lockDurationMs: s.lockMs,
    stalledIntervalMs: s.stalledCheckMs,
    stepDelayMs: s.testStepDelayMs,
  };
}

/**
 * Queue namespace (Redis key prefix, or PostgreSQL schema): QUEUE_NAMESPACE, else the database name, so
 * that deployments (and test apps) sharing one Redis never run each other's jobs.
 */
export function queueNamespace(databaseUrl: string | undefined, env = process.env): string | undefined {
  const explicit = env.QUEUE_NAMESPACE?.trim();
  const raw = explicit || (databaseUrl ? decodeURIComponent(new URL(databaseUrl).pathname.slice(1)) : '');
  const ns = raw
    .toLowerCase()
    .replace(/[^a-z0-9_]/g, '_')
    .slice(0, 40);
  return ns || undefined;
}

@Injectable()
class PropagationCoreLifecycle implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('Propagation');
  constructor(
    @Inject(DATABASE_POOL) private readonly pool: Pool,
    private readonly queues: PropagationQueues,
  ) {}

  /** The API reads these tables for /metrics and /health/ready, whether or not a worker ran yet. */
  async onModuleInit(): Promise<void> {
    await migratePropagation(this.pool);
  }

  /** After every worker has closed (beforeApplicationShutdown), and before the pool closes. */
  async onApplicationShutdown(): Promise<void> {
    await this.queues.backend.close().catch((e: unknown) => this.logger.warn(`closing queues: ${String(e)}`));
  }
}

/** What both sides of propagation share: options, its queues, its tables, its metrics, the order streams. */
@Module({
  providers: [
    {
      provide: PROPAGATION_OPTIONS,
      inject: [AppConfig],
      useFactory: (config: AppConfig): PropagationOptions => propagationOptionsOf(config.propagation),
    },
    {
      provide: PropagationQueues,
      inject: [AppConfig, EVENT_STORE_HANDLE, PROPAGATION_OPTIONS],
      useFactory: async (config: AppConfig, h: EventStoreHandle, options: PropagationOptions) => {
        const logger = new Logger('Propagation');
        const backend = new QueueBackend({
          redisUrl: config.redisUrl,
          databaseUrl: h.databaseUrl,
          namespace: queueNamespace(h.databaseUrl),
          onWarning: (w) => logger.warn(w),
        });
        return new PropagationQueues(backend, options.retry);
      },
    },
    { provide: PropagationStore, inject: [DATABASE_POOL], useFactory: (pool: Pool) => new PropagationStore(pool) },
    {
      provide: PropagationMetrics,
      inject: [PropagationStore, PropagationQueues, CLOCK],
      useFactory: (store: PropagationStore, queues: PropagationQueues, clock: Clock) =>
        new PropagationMetrics({ store, queues, clock }),
    },
    domainDataProvider,
    StreamCommands,
    CommandOrderStreams,
    PropagationCoreLifecycle,
  ],
  exports: [
    PROPAGATION_OPTIONS,
    PropagationQueues,
    PropagationStore,
    PropagationMetrics,
    CommandOrderStreams,
    domainDataProvider,
  ],
})
export class PropagationCoreModule {}

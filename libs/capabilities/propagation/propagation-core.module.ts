import { Inject, Injectable, Module, OnModuleInit } from '@nestjs/common';
import type { Pool } from 'pg';
import { CLOCK, type Clock, DATABASE_POOL, QueueBackend } from '@csp/event-sourcing';
import { AppConfig, type PropagationSettings } from '@csp/platform';
import { PropagationQueues } from './jobs/propagation.queues';
import { PropagationMetrics } from './metrics/propagation.metrics';
import { CommandOrderStreams } from './order-streams.adapter';
import type { PropagationOptions } from './propagation.options';
import { migratePropagation } from './store/propagation.schema';
import { PropagationStore } from './store/propagation.store';

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

@Injectable()
class PropagationCoreLifecycle implements OnModuleInit {
  constructor(@Inject(DATABASE_POOL) private readonly pool: Pool) {}

  /** The API reads these tables for /metrics and /health/ready, whether or not a worker ran yet. */
  async onModuleInit(): Promise<void> {
    await migratePropagation(this.pool);
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
      inject: [QueueBackend, PROPAGATION_OPTIONS],
      // On the process's one queue backend (EventSourcingModule), with propagation's retry policy.
      useFactory: (backend: QueueBackend, options: PropagationOptions) => new PropagationQueues(backend, options.retry),
    },
    { provide: PropagationStore, inject: [DATABASE_POOL], useFactory: (pool: Pool) => new PropagationStore(pool) },
    {
      provide: PropagationMetrics,
      inject: [PropagationStore, PropagationQueues, CLOCK],
      useFactory: (store: PropagationStore, queues: PropagationQueues, clock: Clock) =>
        new PropagationMetrics({ store, queues, clock }),
    },
    CommandOrderStreams,
    PropagationCoreLifecycle,
  ],
  exports: [PROPAGATION_OPTIONS, PropagationQueues, PropagationStore, PropagationMetrics, CommandOrderStreams],
})
export class PropagationCoreModule {}

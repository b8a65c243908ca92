import { BeforeApplicationShutdown, Inject, Injectable, Logger, Module, OnApplicationBootstrap } from '@nestjs/common';
import type { DomainData } from '@csp/domain';
import { EVENT_STORE, type EventStore } from '@csp/event-store';
import { PropagationMetrics } from './metrics/propagation.metrics';
import { PropagationQueues } from './jobs/propagation.queues';
import { PropagationRuntime } from './propagation.runtime';
import { PropagationStore } from './store/propagation.store';
import { type PropagationOptions } from './propagation.options';
import { type ReconcileReport } from './reconciler/propagation.reconciler';
import type { Pool } from 'pg';
import { DATABASE_POOL, CLOCK, type Clock, DOMAIN_DATA } from '@csp/event-sourcing';
import { LICENSING, type LicensingPort } from '@csp/capabilities/software';
import { CommandOrderStreams } from './order-streams.adapter';
import { PROPAGATION_OPTIONS, PropagationCoreModule } from './propagation-core.module';

/** Hosts propagation's runtime in a worker (or in the single `npm start` process). */
@Injectable()
export class PropagationHost implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Propagation');
  readonly runtime: PropagationRuntime;
  private readonly queueKind: string;

  constructor(
    @Inject(DATABASE_POOL) pool: Pool,
    @Inject(EVENT_STORE) eventStore: EventStore,
    @Inject(LICENSING) licensing: LicensingPort,
    @Inject(CLOCK) clock: Clock,
    @Inject(DOMAIN_DATA) data: DomainData,
    @Inject(PROPAGATION_OPTIONS) options: PropagationOptions,
    store: PropagationStore,
    queues: PropagationQueues,
    metrics: PropagationMetrics,
    orders: CommandOrderStreams,
  ) {
    this.queueKind = queues.backend.kind;
    this.runtime = new PropagationRuntime({
      pool,
      eventStore,
      store,
      queues,
      orders,
      licensing,
      clock,
      policies: data.policies,
      options,
      metrics,
      logger: {
        info: (m: string) => this.logger.log(m),
        warn: (m: string) => this.logger.warn(m),
        error: (m: string) => this.logger.error(m),
      },
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.runtime.start();
    this.logger.log(`reactor, workers and reconciler started (BullMQ on ${this.queueKind})`);
  }

  /** SIGTERM: running jobs finish (worker.close()), then the reactor stops, before the pools close. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.runtime.stop();
  }

  reconcileNow(): Promise<ReconcileReport> {
    return this.runtime.reconcileNow();
  }
}

/**
 * Cancellation propagation, worker side: the reactor on the event store, the BullMQ workers, the
 * reconciler. Import it where the worker runs (apps/worker, and apps/api with ROLE=all).
 */
@Module({ imports: [PropagationCoreModule], providers: [PropagationHost], exports: [PropagationHost] })
export class PropagationWorkerModule {}

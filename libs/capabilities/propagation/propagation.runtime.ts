import type { PolicyBook } from '@csp/domain';
import type { EventStore } from '@csp/event-store';
import { ProjectionRunner } from '@csp/event-sourcing';
import type { Pool } from 'pg';
import { CancellationPropagationProcessor } from './jobs/cancellation-propagation.processor';
import {
  MAINTENANCE_QUEUE,
  PROPAGATION_QUEUE,
  WINDOW_WARNING_QUEUE,
  type PropagationJobData,
  type PropagationQueues,
  type WindowWarningJobData,
} from './jobs/propagation.queues';
import { WindowWarningProcessor } from './jobs/window-warning.processor';
import type { PropagationMetrics } from './metrics/propagation.metrics';
import type { PropagationOptions } from './propagation.options';
import {
  describeError,
  silentPropagationLogger,
  type KeyRevocation,
  type OrderStreams,
  type PropagationClock,
  type PropagationLogger,
} from './propagation.ports';
import type { AppWorker } from '@csp/event-sourcing';
import { cancellationReactor } from './reactor/cancellation.reactor';
import { PropagationReconciler, type ReconcileReport } from './reconciler/propagation.reconciler';
import { migratePropagation } from './store/propagation.schema';
import type { PropagationStore } from './store/propagation.store';

export interface PropagationRuntimeDeps {
  pool: Pool;
  eventStore: EventStore;
  store: PropagationStore;
  queues: PropagationQueues;
  orders: OrderStreams;
  licensing: KeyRevocation;
  clock: PropagationClock;
  policies: PolicyBook;
  options: PropagationOptions;
  metrics?: PropagationMetrics;
  logger?: PropagationLogger;
}

/**
 * The worker side of propagation: the reactor (one active instance across processes), the BullMQ workers
 * of the three queues, the reconciler's job scheduler and a watchdog that re-creates that scheduler if
 * Redis forgot it. `stop()` is graceful: BullMQ's worker.close() lets running jobs finish.
 */
export class PropagationRuntime {
  readonly reactor: ProjectionRunner;
  readonly processor: CancellationPropagationProcessor;
  readonly warnings: WindowWarningProcessor;
  readonly reconciler: PropagationReconciler;
  private readonly logger: PropagationLogger;
  private readonly workers: AppWorker[] = [];
  private watchdog?: NodeJS.Timeout;
  private started = false;

  constructor(private readonly deps: PropagationRuntimeDeps) {
    this.logger = deps.logger ?? silentPropagationLogger;
    const { store, queues, orders, clock, metrics } = deps;
    this.reactor = new ProjectionRunner({
      pool: deps.pool,
      eventStore: deps.eventStore,
      projection: cancellationReactor({ store, queues, clock, policies: deps.policies, logger: this.logger }),
      logger: this.logger,
    });
    this.processor = new CancellationPropagationProcessor({
      orders,
      licensing: deps.licensing,
      store,
      clock,
      metrics,
      logger: this.logger,
      stepDelayMs: deps.options.stepDelayMs,
    });
    this.warnings = new WindowWarningProcessor({ orders, store, clock, metrics, logger: this.logger });
    this.reconciler = new PropagationReconciler({ store, queues, orders, clock, metrics, logger: this.logger });
  }

  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    const { queues, options } = this.deps;
    await migratePropagation(this.deps.pool);
    this.reactor.start();
    const workerOptions = { lockDuration: options.lockDurationMs, stalledInterval: options.stalledIntervalMs };
    this.workers.push(
      queues.backend.worker<PropagationJobData>(PROPAGATION_QUEUE, (job) => this.processor.process(job.data), {
        ...workerOptions,
        concurrency: options.concurrency,
      }),
      queues.backend.worker<WindowWarningJobData>(WINDOW_WARNING_QUEUE, (job) => this.warnings.process(job.data), {
        ...workerOptions,
        concurrency: 2,
      }),
      queues.backend.worker(MAINTENANCE_QUEUE, () => this.reconciler.reconcile(), { ...workerOptions, concurrency: 1 }),
    );
    await this.ensureScheduler();
    // Once at start-up, without holding the boot up: a queue that is down must not stop the HTTP side.
    void this.reconcileNow().catch((e: unknown) => this.logger.warn(`start-up reconcile failed: ${describeError(e)}`));
    this.watchdog = setInterval(() => void this.ensureScheduler(), options.reconcileEveryMs);
    this.watchdog.unref();
  }

  /** Runs the reconciler here and now (start-up, tests, operations). */
  reconcileNow(): Promise<ReconcileReport> {
    return this.reconciler.reconcile();
  }

  async stop(): Promise<void> {
    if (this.watchdog) clearInterval(this.watchdog);
    this.watchdog = undefined;
    await Promise.allSettled(this.workers.map((w) => w.close()));
    await this.reactor.stop();
  }

  private ensuring = false;

  /** Bounded: with Redis down, BullMQ commands wait for the reconnection, and boot must not. */
  private async ensureScheduler(): Promise<void> {
    if (this.ensuring) return;
    this.ensuring = true;
    try {
      const upsert = this.deps.queues.ensureReconcilerScheduler(this.deps.options.reconcileEveryMs);
      upsert.catch(() => undefined);
      await Promise.race([
        upsert,
        new Promise((_, reject) => setTimeout(() => reject(new Error('no answer within 3 s')), 3000).unref()),
      ]);
    } catch (error) {
      this.logger.warn(`cannot (re)create the reconciler scheduler: ${describeError(error)}`);
    } finally {
      this.ensuring = false;
    }
  }
}

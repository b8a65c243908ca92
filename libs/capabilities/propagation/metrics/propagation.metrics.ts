import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { PropagationQueues } from '../jobs/propagation.queues';
import type { PropagationClock } from '../propagation.ports';
import type { PropagationStore } from '../store/propagation.store';
import { withTimeout } from '@csp/event-sourcing';

/** Scrapes must answer even when Redis or PostgreSQL does not: a stuck gauge keeps its last value. */
const COLLECT_TIMEOUT_MS = 1500;

export const METRIC_NAMES = {
  latency: 'csp_cancellation_propagation_latency_seconds',
  propagated: 'csp_cancellation_propagations_total',
  failures: 'csp_cancellation_propagation_failures_total',
  overdue: 'csp_cancellation_propagation_overdue',
  pending: 'csp_cancellation_propagation_pending',
  overdueAlerts: 'csp_cancellation_propagation_overdue_alerts_total',
  queueJobs: 'csp_propagation_queue_jobs',
  windowWarnings: 'csp_cancellation_window_warnings_total',
} as const;

/**
 * Propagation's Prometheus metrics, in a registry of their own (several apps share a test process).
 * Counters and the latency histogram count what this process did; the gauges (overdue, pending, queue
 * depth) are read from PostgreSQL and the queues at scrape time, so any process serving /metrics shows
 * the whole deployment's backlog.
 */
export class PropagationMetrics {
  readonly registry = new Registry();
  readonly latency: Histogram<'within_deadline'>;
  readonly propagated: Counter<'within_deadline'>;
  readonly failures: Counter<'step'>;
  readonly overdueAlerts: Counter;
  readonly windowWarnings: Counter<'hours_before'>;

  constructor(deps: { store: PropagationStore; queues: PropagationQueues; clock: PropagationClock }) {
    const registers = [this.registry];
    this.latency = new Histogram({
      name: METRIC_NAMES.latency,
      help: 'Time from OrderCancelled to CancellationPropagated (the promise is 900 s)',
      labelNames: ['within_deadline'],
      buckets: [0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600, 900, 1800, 3600],
      registers,
    });
    this.propagated = new Counter({
      name: METRIC_NAMES.propagated,
      help: 'Cancellations propagated by this process',
      labelNames: ['within_deadline'],
      registers,
    });
    this.failures = new Counter({
      name: METRIC_NAMES.failures,
      help: 'Failed propagation attempts, by the step that failed (each is retried)',
      labelNames: ['step'],
      registers,
    });
    this.overdueAlerts = new Counter({
      name: METRIC_NAMES.overdueAlerts,
      help: 'CancellationPropagationOverdue events recorded by this process',
      registers,
    });
    this.windowWarnings = new Counter({
      name: METRIC_NAMES.windowWarnings,
      help: 'CancellationWindowClosing events recorded by this process',
      labelNames: ['hours_before'],
      registers,
    });
    let counts: Promise<{ pending: number; overdue: number }> | undefined;
    // One query serves both gauges of a scrape.
    const readCounts = (): Promise<{ pending: number; overdue: number }> => {
      counts ??= withTimeout(deps.store.counts(deps.clock.now()), COLLECT_TIMEOUT_MS, 'metrics collection').finally(
        () => setTimeout(() => (counts = undefined), 100).unref(),
      );
      return counts;
    };
    new Gauge({
      name: METRIC_NAMES.overdue,
      help: 'Cancellations past their propagation deadline without CancellationPropagated (alert when > 0)',
      registers,
      async collect() {
        const c = await readCounts().catch(() => undefined);
        if (c) this.set(c.overdue);
      },
    });
    new Gauge({
      name: METRIC_NAMES.pending,
      help: 'Cancellations without CancellationPropagated yet',
      registers,
      async collect() {
        const c = await readCounts().catch(() => undefined);
        if (c) this.set(c.pending);
      },
    });
    new Gauge({
      name: METRIC_NAMES.queueJobs,
      help: 'Jobs per propagation queue and state',
      labelNames: ['queue', 'state'],
      registers,
      async collect() {
        const depth = await withTimeout(deps.queues.depth(), COLLECT_TIMEOUT_MS, 'metrics collection').catch(
          () => undefined,
        );
        if (!depth) return;
        for (const [queue, states] of Object.entries(depth)) {
          for (const [state, n] of Object.entries(states)) this.set({ queue, state }, n);
        }
      },
    });
  }

  /** Records one propagation (clock time from the cancellation to now). */
  observePropagated(cancelledAt: string, propagatedAt: string, withinDeadline: boolean): void {
    const seconds = Math.max(0, (Date.parse(propagatedAt) - Date.parse(cancelledAt)) / 1000);
    const label = { within_deadline: String(withinDeadline) };
    this.latency.observe(label, seconds);
    this.propagated.inc(label);
  }

  metrics(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}

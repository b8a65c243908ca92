import type { PropagationQueues } from '../jobs/propagation.queues';
import type { PropagationMetrics } from '../metrics/propagation.metrics';
import {
  describeError,
  silentPropagationLogger,
  WORKER_ACTOR,
  type OrderStreams,
  type PropagationClock,
  type PropagationLogger,
} from '../propagation.ports';
import type { PropagationStore } from '../store/propagation.store';

export interface ReconcileReport {
  /** Pending cancellations looked at. */
  pending: number;
  /** Jobs created because none existed (lost with Redis, or never enqueued). */
  enqueued: number;
  /** Failed or finished jobs of still-pending cancellations, started afresh. */
  revived: number;
  /** CancellationPropagationOverdue events recorded in this run. */
  overdueAlerts: number;
  /** Window-closing reminders offered (added or promoted). */
  warnings: number;
  errors: string[];
}

/**
 * Makes the durable state and the queues agree, from the durable side: every cancellation without
 * CancellationPropagated has a live job (same id: nothing happens when it exists), a cancellation past its
 * deadline gets its CancellationPropagationOverdue event (once), and every reminder that is due is queued.
 * Run by a BullMQ job scheduler every minute and once at start-up; safe to run anywhere, any number of
 * times at once.
 */
export class PropagationReconciler {
  private readonly logger: PropagationLogger;

  constructor(
    private readonly deps: {
      store: PropagationStore;
      queues: PropagationQueues;
      orders: OrderStreams;
      clock: PropagationClock;
      metrics?: PropagationMetrics;
      logger?: PropagationLogger;
    },
  ) {
    this.logger = deps.logger ?? silentPropagationLogger;
  }

  async reconcile(): Promise<ReconcileReport> {
    const { store, queues, orders, clock } = this.deps;
    const report: ReconcileReport = { pending: 0, enqueued: 0, revived: 0, overdueAlerts: 0, warnings: 0, errors: [] };
    const fail = (what: string, error: unknown): void => {
      report.errors.push(`${what}: ${describeError(error)}`);
    };

    const pending = await store.pending();
    report.pending = pending.length;
    for (const row of pending) {
      try {
        const outcome = await queues.enqueuePropagation(
          { cancellationEventId: row.cancellationEventId, orderId: row.orderId },
          true,
        );
        if (outcome === 'added') report.enqueued += 1;
        if (outcome === 'revived') report.revived += 1;
      } catch (error) {
        fail(`enqueue ${row.orderId}`, error);
      }
    }

    const now = clock.now();
    for (const row of await store.overdueWithoutAlert(now)) {
      try {
        const result = await orders.execute(
          row.orderId,
          { type: 'MarkCancellationOverdue', data: {} },
          { ...WORKER_ACTOR, requestId: `overdue-${row.cancellationEventId}`, causationId: row.cancellationEventId },
        );
        const alert = result.events.find((e) => e.type === 'CancellationPropagationOverdue');
        if (alert?.type === 'CancellationPropagationOverdue') {
          await store.markOrderOverdue(row.orderId, alert.data.detectedAt);
          report.overdueAlerts += 1;
          this.deps.metrics?.overdueAlerts.inc();
          this.logger.error(
            `ALERT cancellation of order ${row.orderId} (at ${row.cancelledAt}) is not propagated by its deadline ` +
              `${row.propagationDeadline}; ${row.failures} failed attempt(s) so far`,
          );
        }
        // Otherwise it was propagated meanwhile, or alerted by another process: the reactor updates the row.
      } catch (error) {
        fail(`overdue ${row.orderId}`, error);
      }
    }

    try {
      await store.expireWindowWarnings(now);
      for (const w of await store.dueWindowWarnings(now)) {
        const outcome = await queues.enqueueWindowWarning(w, 0, true);
        if (outcome !== 'exists') report.warnings += 1;
      }
    } catch (error) {
      fail('window warnings', error);
    }

    if (report.errors.length > 0) this.logger.warn(`reconciler: ${report.errors.join('; ')}`);
    else if (report.enqueued + report.revived + report.overdueAlerts > 0)
      this.logger.info(
        `reconciler: ${report.enqueued} re-enqueued, ${report.revived} revived, ${report.overdueAlerts} overdue alert(s)`,
      );
    return report;
  }
}

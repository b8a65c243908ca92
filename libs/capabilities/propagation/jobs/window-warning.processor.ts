import { isPlacedOrder } from '@csp/domain';
import type { PropagationMetrics } from '../metrics/propagation.metrics';
import {
  silentPropagationLogger,
  WORKER_ACTOR,
  type OrderStreams,
  type PropagationClock,
  type PropagationLogger,
} from '../propagation.ports';
import type { PropagationStore } from '../store/propagation.store';
import type { WarningOutcome } from '../store/propagation.types';
import type { WindowWarningJobData } from './propagation.queues';

export type WindowWarningResult = WarningOutcome | 'not_due';

/**
 * Appends CancellationWindowClosing when the decider agrees it is due (by the injected clock), and
 * records the outcome so the reconciler stops offering it. A job that fires before its instant (clock
 * skew, a promoted job) leaves the reminder pending; the reconciler offers it again once due.
 */
export class WindowWarningProcessor {
  private readonly logger: PropagationLogger;

  constructor(
    private readonly deps: {
      orders: OrderStreams;
      store: PropagationStore;
      clock: PropagationClock;
      metrics?: PropagationMetrics;
      logger?: PropagationLogger;
    },
  ) {
    this.logger = deps.logger ?? silentPropagationLogger;
  }

  async process(data: WindowWarningJobData): Promise<WindowWarningResult> {
    const { orders, store, clock } = this.deps;
    const now = clock.now();
    const end = Date.parse(data.windowEndsAt);
    const due = end - data.hoursBefore * 3_600_000;
    if (now.getTime() < due) return 'not_due';
    const result = await orders.execute(
      data.orderId,
      {
        type: 'WarnCancellationWindowClosing',
        data: { windowEndsAt: data.windowEndsAt, hoursBefore: data.hoursBefore },
      },
      { ...WORKER_ACTOR, requestId: `warn-${data.orderId}-${end}-${data.hoursBefore}h` },
    );
    let outcome: WarningOutcome;
    if (result.events.some((e) => e.type === 'CancellationWindowClosing')) {
      outcome = 'warned';
      this.deps.metrics?.windowWarnings.inc({ hours_before: String(data.hoursBefore) });
      this.logger.info(
        `order ${data.orderId}: cancellation window closes in ${data.hoursBefore} h (at ${data.windowEndsAt})`,
      );
    } else {
      const { state } = await orders.load(data.orderId);
      if (isPlacedOrder(state) && state.cancellation) outcome = 'cancelled';
      else if (now.getTime() >= end) outcome = 'expired';
      else outcome = 'not_applicable';
    }
    await store.windowWarningDone(data, outcome, now);
    return outcome;
  }
}

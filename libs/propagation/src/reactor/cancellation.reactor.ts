import {
  evolveOrder,
  initialOrderState,
  isPlacedOrder,
  openCancellationWindows,
  WINDOW_WARNING_HOURS,
  type CancellationPropagated,
  type CancellationPropagationOverdue,
  type CancellationWindowClosing,
  type OrderCancelled,
  type OrderPlaced,
  type PolicyBook,
} from '@csp/domain';
import type { RecordedEvent } from '@csp/event-store';
import type { Projection } from '@csp/read-models';
import type { PoolClient } from 'pg';
import type { PropagationQueues } from '../jobs/propagation.queues';
import {
  describeError,
  silentPropagationLogger,
  type PropagationClock,
  type PropagationLogger,
} from '../propagation.ports';
import { migratePropagationTables } from '../store/propagation.schema';
import type { PropagationStore, WindowWarningRef } from '../store/propagation.store';

export const REACTOR_NAME = 'propagation-reactor';

const HOUR = 3_600_000;

export interface CancellationReactorDeps {
  store: PropagationStore;
  queues: PropagationQueues;
  clock: PropagationClock;
  policies: PolicyBook;
  logger?: PropagationLogger;
}

type Intent = () => Promise<unknown>;

/**
 * The consumer of the event store that drives propagation, run by a ProjectionRunner: one active
 * instance across processes (advisory lock), resuming from its checkpoint in PostgreSQL. In the same
 * transaction as the checkpoint it records each OrderCancelled (with its deadline) and each window-closing
 * reminder due; right after the batch it enqueues their jobs with ids derived from the event, so a replayed
 * batch adds nothing twice. The enqueue is best-effort: if the queue is down the reconciler enqueues from
 * the rows. A job that starts before the commit records the row itself.
 */
export function cancellationReactor(deps: CancellationReactorDeps): Projection {
  const logger = deps.logger ?? silentPropagationLogger;
  return {
    name: REACTOR_NAME,
    version: 1,
    eventTypes: [
      'OrderPlaced',
      'OrderCancelled',
      'CancellationPropagated',
      'CancellationPropagationOverdue',
      'CancellationWindowClosing',
    ],
    migrate: (client: PoolClient) => migratePropagationTables(client),
    async apply(client: PoolClient, events: RecordedEvent[]): Promise<void> {
      const intents = new Map<string, Intent>();
      const now = deps.clock.now().getTime();
      // Reminders of placed orders are written in one statement per run of OrderPlaced events.
      let warnings: WindowWarningRef[] = [];
      const flushWarnings = async (): Promise<void> => {
        await deps.store.recordWindowWarnings(warnings, client);
        warnings = [];
      };
      for (const event of events) {
        if (event.type !== 'OrderPlaced') await flushWarnings();
        switch (event.type) {
          case 'OrderPlaced': {
            const placed = event as RecordedEvent<OrderPlaced>;
            const order = evolveOrder(initialOrderState(), { type: 'OrderPlaced', data: placed.data });
            if (!isPlacedOrder(order)) break;
            for (const window of openCancellationWindows(order, { policies: deps.policies })) {
              const end = Date.parse(window.windowEndsAt);
              if (end <= now) continue;
              for (const hoursBefore of WINDOW_WARNING_HOURS) {
                const due = end - hoursBefore * HOUR;
                if (due < Date.parse(order.placedAt)) continue;
                const w = { orderId: order.orderId, windowEndsAt: window.windowEndsAt, hoursBefore };
                warnings.push({ ...w, dueAt: new Date(due).toISOString() });
                intents.set(`warn:${order.orderId}:${end}:${hoursBefore}`, () =>
                  deps.queues.enqueueWindowWarning(w, due - deps.clock.now().getTime()),
                );
              }
            }
            break;
          }
          case 'OrderCancelled': {
            const d = (event as RecordedEvent<OrderCancelled>).data;
            await deps.store.recordCancellation(
              {
                cancellationEventId: event.eventId,
                orderId: d.orderId,
                streamId: event.streamId,
                customerId: d.customerId,
                cancelledAt: d.cancelledAt,
                propagationDeadline: d.propagationDeadline,
              },
              client,
            );
            await deps.store.cancelWindowWarnings(d.orderId, d.cancelledAt, client);
            for (const key of intents.keys()) if (key.startsWith(`warn:${d.orderId}:`)) intents.delete(key);
            intents.set(`propagate:${d.orderId}`, () =>
              deps.queues.enqueuePropagation({ cancellationEventId: event.eventId, orderId: d.orderId }),
            );
            break;
          }
          case 'CancellationPropagated': {
            const d = (event as RecordedEvent<CancellationPropagated>).data;
            await deps.store.markOrderPropagated(d.orderId, d.propagatedAt, client);
            // Catching up over history: nothing left to do for it.
            intents.delete(`propagate:${d.orderId}`);
            break;
          }
          case 'CancellationPropagationOverdue': {
            const d = (event as RecordedEvent<CancellationPropagationOverdue>).data;
            await deps.store.markOrderOverdue(d.orderId, d.detectedAt, client);
            break;
          }
          case 'CancellationWindowClosing': {
            const d = (event as RecordedEvent<CancellationWindowClosing>).data;
            await deps.store.windowWarningDone(d, 'warned', new Date(d.warnedAt), client);
            intents.delete(`warn:${d.orderId}:${Date.parse(d.windowEndsAt)}:${d.hoursBefore}`);
            break;
          }
        }
      }
      await flushWarnings();
      if (intents.size === 0) return;
      // Enqueue after the batch rather than inside its transaction: a transaction held open while waiting on
      // the queue holds back every follower of the store (gap-safe reads stop at the oldest open transaction),
      // which is how a slow queue once stalled all projections. The rows above are what is durable; a crash
      // before these enqueues is repaired by the reconciler, and a job that starts before the commit records
      // its own row.
      const pending = [...intents.values()];
      setImmediate(() => {
        void Promise.allSettled(pending.map((enqueue) => enqueue())).then((outcome) => {
          const failed = outcome.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
          if (failed.length > 0) {
            logger.warn(
              `reactor: ${failed.length} enqueue(s) failed (${describeError(failed[0].reason)}); the reconciler will retry`,
            );
          }
        });
      });
    },
  };
}

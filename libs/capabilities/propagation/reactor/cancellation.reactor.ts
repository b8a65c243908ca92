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
import { eventsProjection, type Projection } from '@csp/event-sourcing';
import type { PoolClient } from 'pg';
import type { PropagationQueues } from '../jobs/propagation.queues';
import {
  describeError,
  silentPropagationLogger,
  type PropagationClock,
  type PropagationLogger,
} from '../propagation.ports';
import { migratePropagationTables } from '../store/propagation.schema';
import type { CancellationRef, OrderMark, WindowWarningRef } from '../store/propagation.types';
import type { PropagationStore } from '../store/propagation.store';

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

/** What the reactor follows: an order's placement (its window warnings), cancellation and propagation. */
type ReactorEvent =
  OrderPlaced | OrderCancelled | CancellationPropagated | CancellationPropagationOverdue | CancellationWindowClosing;

/**
 * The consumer of the event store that drives propagation, run by a ProjectionRunner: one active
 * instance across processes (advisory lock), resuming from its checkpoint in PostgreSQL. In the same
 * transaction as the checkpoint it records each OrderCancelled (with its deadline) and each window-closing
 * reminder due, a few set-based statements per batch rather than a few per event (see BatchedWrites);
 * right after the batch it enqueues their jobs with ids derived from the event, so a replayed
 * batch adds nothing twice. The enqueue is best-effort: if the queue is down the reconciler enqueues from
 * the rows. A job that starts before the commit records the row itself.
 */
export function cancellationReactor(deps: CancellationReactorDeps): Projection {
  const logger = deps.logger ?? silentPropagationLogger;
  return eventsProjection<ReactorEvent>({
    name: REACTOR_NAME,
    version: 1,
    eventTypes: {
      OrderPlaced: true,
      OrderCancelled: true,
      CancellationPropagated: true,
      CancellationPropagationOverdue: true,
      CancellationWindowClosing: true,
    },
    migrate: (client: PoolClient) => migratePropagationTables(client),
    async apply(client, events): Promise<void> {
      const intents = new Map<string, Intent>();
      const now = deps.clock.now().getTime();
      const writes = new BatchedWrites(deps.store, client);
      for (const event of events) {
        switch (event.type) {
          case 'OrderPlaced': {
            const order = evolveOrder(initialOrderState(), { type: event.type, data: event.data });
            if (!isPlacedOrder(order)) break;
            for (const window of openCancellationWindows(order, { policies: deps.policies })) {
              const end = Date.parse(window.windowEndsAt);
              if (end <= now) continue;
              for (const hoursBefore of WINDOW_WARNING_HOURS) {
                const due = end - hoursBefore * HOUR;
                if (due < Date.parse(order.placedAt)) continue;
                const w = { orderId: order.orderId, windowEndsAt: window.windowEndsAt, hoursBefore };
                writes.add('warnings', order.orderId, { ...w, dueAt: new Date(due).toISOString() });
                intents.set(`warn:${order.orderId}:${end}:${hoursBefore}`, () =>
                  deps.queues.enqueueWindowWarning(w, due - deps.clock.now().getTime()),
                );
              }
            }
            break;
          }
          case 'OrderCancelled': {
            const d = event.data;
            writes.add('cancelled', d.orderId, {
              cancellationEventId: event.eventId,
              orderId: d.orderId,
              streamId: event.streamId,
              customerId: d.customerId,
              cancelledAt: d.cancelledAt,
              propagationDeadline: d.propagationDeadline,
            });
            for (const key of intents.keys()) if (key.startsWith(`warn:${d.orderId}:`)) intents.delete(key);
            intents.set(`propagate:${d.orderId}`, () =>
              deps.queues.enqueuePropagation({ cancellationEventId: event.eventId, orderId: d.orderId }),
            );
            break;
          }
          case 'CancellationPropagated': {
            const d = event.data;
            writes.add('propagated', d.orderId, { orderId: d.orderId, at: d.propagatedAt });
            // Catching up over history: nothing left to do for it.
            intents.delete(`propagate:${d.orderId}`);
            break;
          }
          case 'CancellationPropagationOverdue': {
            const d = event.data;
            writes.add('overdue', d.orderId, { orderId: d.orderId, at: d.detectedAt });
            break;
          }
          case 'CancellationWindowClosing': {
            const d = event.data;
            writes.add('warned', d.orderId, { ...d, at: new Date(d.warnedAt).toISOString() });
            intents.delete(`warn:${d.orderId}:${Date.parse(d.windowEndsAt)}:${d.hoursBefore}`);
            break;
          }
        }
      }
      await writes.flush();
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
  });
}

type WindowWarningDone = Pick<CancellationWindowClosing['data'], 'orderId' | 'windowEndsAt' | 'hoursBefore'> & {
  at: string;
};

interface Writes {
  warnings: WindowWarningRef;
  cancelled: CancellationRef;
  propagated: OrderMark;
  overdue: OrderMark;
  warned: WindowWarningDone;
}
type WriteKind = keyof Writes;

type Pending = { [K in WriteKind]: Writes[K][] };

/** Within one generation any order of kinds is right: an order has writes of one kind only in each. */
const WRITE_KINDS: readonly WriteKind[] = ['warnings', 'cancelled', 'propagated', 'overdue', 'warned'];

/**
 * The reactor's writes of one batch, one statement per kind and generation instead of one or two per
 * event (at 1,000 cancellations a batch of a few hundred events held its transaction for seconds, which was
 * most of the propagation latency). Every write touches only the rows of its event's order, so writes of
 * different orders commute and only each order's own sequence must be kept: an order's write joins the
 * generation of the order's previous write when it is of the same kind, else the next one, and generations
 * are written in turn. The result is that of applying the events one by one, in a number of statements
 * bounded by the kinds an order goes through within a batch (placed, cancelled, propagated: three), not by
 * the number of orders.
 */
class BatchedWrites {
  private readonly generations: Pending[] = [];
  /** Each order's last write: its kind and generation. */
  private readonly last = new Map<string, { kind: WriteKind; generation: number }>();

  constructor(
    private readonly store: PropagationStore,
    private readonly client: PoolClient,
  ) {}

  add<K extends WriteKind>(kind: K, orderId: string, write: Writes[K]): void {
    const previous = this.last.get(orderId);
    const generation = !previous ? 0 : previous.kind === kind ? previous.generation : previous.generation + 1;
    this.last.set(orderId, { kind, generation });
    this.generations[generation] ??= { warnings: [], cancelled: [], propagated: [], overdue: [], warned: [] };
    this.generations[generation][kind].push(write);
  }

  async flush(): Promise<void> {
    for (const p of this.generations) {
      for (const kind of WRITE_KINDS) {
        if (p[kind].length === 0) continue;
        switch (kind) {
          case 'warnings':
            await this.store.recordWindowWarnings(p.warnings, this.client);
            break;
          case 'cancelled':
            await this.store.recordCancellations(p.cancelled, this.client);
            await this.store.cancelWindowWarningsOf(
              p.cancelled.map((c) => ({ orderId: c.orderId, at: c.cancelledAt })),
              this.client,
            );
            break;
          case 'propagated':
            await this.store.markOrdersPropagated(p.propagated, this.client);
            break;
          case 'overdue':
            await this.store.markOrdersOverdue(p.overdue, this.client);
            break;
          case 'warned':
            await this.store.windowWarningsDone(p.warned, 'warned', this.client);
            break;
        }
      }
    }
    this.generations.length = 0;
    this.last.clear();
  }
}

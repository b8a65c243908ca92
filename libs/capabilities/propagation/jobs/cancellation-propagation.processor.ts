import { UnrecoverableError } from 'bullmq';
import { billingPeriodOf, isPlacedOrder } from '@csp/domain';
import type { PropagationMetrics } from '../metrics/propagation.metrics';
import {
  describeError,
  silentPropagationLogger,
  WORKER_ACTOR,
  type KeyRevocation,
  type OrderStreams,
  type PropagationClock,
  type PropagationLogger,
} from '../propagation.ports';
import type { PropagationStore } from '../store/propagation.store';
import { type CancellationRef, type LedgerCredit, type RevokedLink } from '../store/propagation.types';
import type { PropagationJobData } from './propagation.queues';

export type PropagationStep = 'load' | 'keys' | 'links' | 'credit' | 'append';

export interface CancellationPropagationDeps {
  orders: OrderStreams;
  licensing: KeyRevocation;
  store: PropagationStore;
  clock: PropagationClock;
  metrics?: PropagationMetrics;
  logger?: PropagationLogger;
  /** Test hook: a pause after revoking the keys, so a test can kill a worker in the middle of a job. */
  stepDelayMs?: number;
}

export interface PropagationResult {
  orderId: string;
  propagatedAt: string;
  alreadyPropagated: boolean;
}

/** Tags an error with the step that threw it, for the failure metric. */
class StepError extends Error {
  constructor(
    readonly step: PropagationStep,
    readonly original: unknown,
  ) {
    super(`${step}: ${describeError(original)}`);
  }
}

/**
 * Propagates one cancellation. Every step is idempotent and records when it first finished, so a job
 * killed anywhere (SIGKILL, lost lock, Redis restart) is simply run again: keys are revoked at the
 * licensing port (idempotent there), links recorded once per link id, each line credited once (unique on
 * order + line), and CancellationPropagated appended through the decider with the expected version and
 * a deterministic request id: a no-op when it is already in the stream.
 */
export class CancellationPropagationProcessor {
  private readonly logger: PropagationLogger;

  constructor(private readonly deps: CancellationPropagationDeps) {
    this.logger = deps.logger ?? silentPropagationLogger;
  }

  async process(data: PropagationJobData): Promise<PropagationResult> {
    try {
      return await this.run(data);
    } catch (error) {
      const step = error instanceof StepError ? error.step : 'load';
      const cause = error instanceof StepError ? error.original : error;
      this.deps.metrics?.failures.inc({ step });
      await this.deps.store
        .recordFailure(data.cancellationEventId, `${step}: ${describeError(cause)}`)
        .catch(() => undefined);
      this.logger.warn(`propagation of order ${data.orderId} failed at ${step}: ${describeError(cause)}`);
      if (cause instanceof UnrecoverableError) throw cause;
      throw error instanceof StepError ? error : new StepError(step, error);
    }
  }

  private async run({ cancellationEventId, orderId }: PropagationJobData): Promise<PropagationResult> {
    const { orders, store, clock } = this.deps;
    const loaded = await orders.load(orderId);
    const event = loaded.events
      .filter((e) => e.type === 'OrderCancelled')
      .find((e) => e.eventId === cancellationEventId);
    // Not in this database: a job from another deployment sharing the queue, or a corrupt id. Retrying won't help.
    if (!event || !isPlacedOrder(loaded.state) || !loaded.state.cancellation) {
      throw new UnrecoverableError(`order ${orderId} has no cancellation ${cancellationEventId}`);
    }
    const state = loaded.state;
    const cancellation = event.data;
    const ref: CancellationRef = {
      cancellationEventId,
      orderId,
      streamId: event.streamId,
      customerId: cancellation.customerId,
      cancelledAt: cancellation.cancelledAt,
      propagationDeadline: cancellation.propagationDeadline,
    };
    if (state.cancellation?.propagatedAt) {
      await store.markPropagated(cancellationEventId, state.cancellation.propagatedAt);
      return { orderId, propagatedAt: state.cancellation.propagatedAt, alreadyPropagated: true };
    }
    // The job may run before the reactor's transaction that records the row commits.
    const recorded = await store.recordAndGet(ref);

    const lines = cancellation.lineItems.map((l) => l.lineItemNumber);
    const keysRevokedAt =
      recorded.keysRevokedAt ??
      (await step('keys', async () => {
        await this.deps.licensing.revokeKeys({ orderId, lineItemNumbers: lines });
        return store.keysRevoked(cancellationEventId, clock.now());
      }));
    if (this.deps.stepDelayMs) await sleep(this.deps.stepDelayMs);

    // Every link of the cancelled lines, including one issued a second before the cancellation.
    const cancelled = new Set(lines);
    const links = new Map<string, RevokedLink>();
    for (const link of Object.values(state.links)) {
      if (cancelled.has(link.lineItemNumber))
        links.set(link.linkId, { linkId: link.linkId, lineItemNumber: link.lineItemNumber });
    }
    for (const linkId of cancellation.revokedLinkIds) {
      const known = state.links[linkId];
      if (!links.has(linkId) && known) links.set(linkId, { linkId, lineItemNumber: known.lineItemNumber });
    }
    const credits: LedgerCredit[] = cancellation.lineItems.map((l) => ({
      orderId,
      lineItemNumber: l.lineItemNumber,
      customerId: cancellation.customerId,
      partnerTenantId: cancellation.partnerTenantId,
      offerId: l.offerId,
      kind: l.kind,
      period: billingPeriodOf(cancellation.cancelledAt),
      amountMinor: l.credit,
      currencyCode: cancellation.currencyCode,
      basis: l.basis,
      taxInclusive: cancellation.taxInclusive,
      cancelledAt: cancellation.cancelledAt,
    }));
    // Links and credit in one statement (one round trip, atomic); a failure counts against the first of
    // the two steps not yet done.
    const { linksRevokedAt, creditPostedAt } =
      recorded.linksRevokedAt && recorded.creditPostedAt
        ? { linksRevokedAt: recorded.linksRevokedAt, creditPostedAt: recorded.creditPostedAt }
        : await step(recorded.linksRevokedAt ? 'credit' : 'links', () =>
            store.linksAndCreditsPosted(ref, [...links.values()], credits, clock.now()),
          );

    const appended = await step('append', () =>
      orders.execute(
        orderId,
        { type: 'MarkCancellationPropagated', data: { keysRevokedAt, linksRevokedAt, creditPostedAt } },
        {
          ...WORKER_ACTOR,
          tenantId: cancellation.partnerTenantId,
          // Deterministic: a retried append after a lost answer is recognised and stored once.
          requestId: `propagate-${cancellationEventId}`,
          causationId: cancellationEventId,
          correlationId: event.metadata.correlationId ?? cancellationEventId,
        },
      ),
    );
    const propagated = appended.events.find((e) => e.type === 'CancellationPropagated');
    if (!propagated || propagated.type !== 'CancellationPropagated') {
      // Someone else appended it between our load and our append: read what they recorded.
      const again = await orders.load(orderId);
      const at = isPlacedOrder(again.state) ? again.state.cancellation?.propagatedAt : null;
      if (!at) throw new StepError('append', new Error('CancellationPropagated was not recorded'));
      await store.markPropagated(cancellationEventId, at);
      return { orderId, propagatedAt: at, alreadyPropagated: true };
    }
    await store.markPropagated(cancellationEventId, propagated.data.propagatedAt);
    this.deps.metrics?.observePropagated(
      cancellation.cancelledAt,
      propagated.data.propagatedAt,
      propagated.data.withinDeadline,
    );
    this.logger.info(
      `cancellation of order ${orderId} propagated (${lines.length} line(s), ${links.size} link(s))` +
        (propagated.data.withinDeadline ? '' : ' AFTER its deadline'),
    );
    return { orderId, propagatedAt: propagated.data.propagatedAt, alreadyPropagated: false };
  }
}

async function step<T>(name: PropagationStep, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw new StepError(name, error);
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

import { Inject, Injectable } from '@nestjs/common';
import { PropagationStore } from './store/propagation.store';
import { CLOCK, type Clock } from '@csp/event-sourcing';

export interface PropagationHealthDetail {
  /** 'down' only when the state cannot be read; overdue cancellations do not make the instance unready. */
  status: 'up' | 'down';
  pending?: number;
  overdue?: number;
  detail?: string;
}

/**
 * The `propagation` entry of /health/ready. Overdue cancellations are reported (and alerted through the
 * metric and the CancellationPropagationOverdue event) but do not fail readiness: taking the API out of
 * the load balancer would not propagate anything faster, and would stop cancellations being accepted.
 */
@Injectable()
export class PropagationHealth {
  constructor(
    private readonly store: PropagationStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async check(): Promise<PropagationHealthDetail> {
    try {
      const { pending, overdue } = await this.store.counts(this.clock.now());
      return { status: 'up', pending, overdue };
    } catch (error) {
      return { status: 'down', detail: error instanceof Error ? error.message : String(error) };
    }
  }
}

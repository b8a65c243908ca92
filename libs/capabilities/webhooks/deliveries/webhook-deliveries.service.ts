import { Injectable } from '@nestjs/common';
import type { Principal } from '@csp/platform';
import { WebhookQueue } from '../delivery/webhook-delivery.runtime';
import { WebhookDeliveryStore } from '../store/webhook-delivery.store';
import { WebhookQueries, type AttemptView, type DeliveryView, type EndpointRow } from '../store/webhook.queries';

/** Reads of endpoints and deliveries, and the resends (retry, replay): the same webhook-id, new attempts. */
@Injectable()
export class WebhookDeliveriesService {
  constructor(
    private readonly queries: WebhookQueries,
    private readonly store: WebhookDeliveryStore,
    private readonly queue: WebhookQueue,
  ) {}

  private partner(principal: Principal): string {
    return principal.tenantId.toLowerCase();
  }

  endpoints(principal: Principal): Promise<EndpointRow[]> {
    return this.queries.endpoints(this.partner(principal));
  }

  deliveries(
    principal: Principal,
    filter: { endpointId?: string; status?: string; eventType?: string },
    size: number,
    token?: string,
  ): Promise<{ items: DeliveryView[]; continuationToken: string | null }> {
    return this.queries.deliveries(this.partner(principal), filter, size, token);
  }

  attempts(principal: Principal, deliveryId: string): Promise<AttemptView[] | undefined> {
    return this.queries.attempts(this.partner(principal), deliveryId);
  }

  async retry(principal: Principal, deliveryId: string): Promise<number> {
    const due = await this.store.resend(this.partner(principal), 'd.id = $2', [deliveryId]);
    await this.queue.enqueue(due);
    return due.length;
  }

  async replay(
    principal: Principal,
    endpointId: string,
    range: { fromPosition?: number; since?: string },
  ): Promise<number> {
    const due =
      range.fromPosition !== undefined
        ? await this.store.resend(this.partner(principal), 'd.endpoint_id = $2 AND d.position >= $3', [
            endpointId,
            range.fromPosition,
          ])
        : await this.store.resend(this.partner(principal), 'd.endpoint_id = $2 AND d.event_recorded_at >= $3', [
            endpointId,
            range.since,
          ]);
    await this.queue.enqueue(due);
    return due.length;
  }
}

import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { DomainError, isGuid, webhookEndpointStreamId, type WebhookEndpointState } from '@csp/domain';
import { EVENT_STORE, type EventStore } from '@csp/event-store';
import { readAndFold } from '@csp/event-sourcing/command-handling/handle-stream-command';
import { webhookEndpointDecider } from '@csp/domain';

/**
 * After AccessGuard, before any pipe reads the body: a route naming an endpoint answers 404 unless the endpoint
 * is the caller's own and not deleted, so another partner's ids never meet a 400 (as customers and orders do).
 */
@Injectable()
export class WebhookEndpointOwnerGuard implements CanActivate {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<FastifyRequest<{ Params: { endpointId?: string } }>>();
    const id = request.params?.endpointId;
    const tenant = request.principal?.tenantId.toLowerCase();
    if (id === undefined || tenant === undefined) return true;
    const state: WebhookEndpointState = isGuid(id)
      ? (await readAndFold(this.store, webhookEndpointStreamId(id.toLowerCase()), webhookEndpointDecider)).state
      : { status: 'none' };
    if (state.status === 'none' || state.status === 'deleted' || state.partnerTenantId !== tenant) {
      throw new DomainError({
        code: 'webhook_endpoint_not_found',
        kind: 'not_found',
        detail: 'No webhook endpoint with this id.',
      });
    }
    return true;
  }
}

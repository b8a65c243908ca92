import type { WebhookEventType } from './webhook-event-types';
import type { WebhookEndpointEvent } from './webhook-endpoint.events';

export type WebhookEndpointState =
  | { status: 'none' }
  | {
      status: 'active' | 'disabled' | 'deleted';
      endpointId: string;
      partnerTenantId: string;
      url: string;
      eventTypes: WebhookEventType[];
      description: string | null;
      secretVersion: number;
      registeredAt: string;
      disabledReason: string | null;
    };

export const initialWebhookEndpointState = (): WebhookEndpointState => ({ status: 'none' });

export function evolveWebhookEndpoint(state: WebhookEndpointState, event: WebhookEndpointEvent): WebhookEndpointState {
  if (event.type === 'WebhookEndpointRegistered') {
    const d = event.data;
    return {
      status: 'active',
      endpointId: d.endpointId,
      partnerTenantId: d.partnerTenantId,
      url: d.url,
      eventTypes: d.eventTypes,
      description: d.description,
      secretVersion: d.secretVersion,
      registeredAt: d.registeredAt,
      disabledReason: null,
    };
  }
  if (state.status === 'none') return state;
  switch (event.type) {
    case 'WebhookEndpointUpdated': {
      const d = event.data;
      return {
        ...state,
        ...(d.url !== undefined ? { url: d.url } : {}),
        ...(d.eventTypes !== undefined ? { eventTypes: d.eventTypes } : {}),
        ...(d.description !== undefined ? { description: d.description } : {}),
      };
    }
    case 'WebhookEndpointDisabled':
      return { ...state, status: 'disabled', disabledReason: event.data.reason };
    case 'WebhookEndpointEnabled':
      return { ...state, status: 'active', disabledReason: null };
    case 'WebhookEndpointDeleted':
      return { ...state, status: 'deleted' };
    case 'WebhookSecretRotated':
      return { ...state, secretVersion: event.data.secretVersion };
  }
}

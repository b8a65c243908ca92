import type { IsoDateTime } from '../shared/types';
import type { WebhookEventType } from './webhook-event-types';

/** Why an endpoint stopped receiving: its owner's PATCH, a 410 Gone, or too many failed deliveries in a row. */
export type WebhookDisableReason = 'requested' | 'gone' | 'failing';

/** The secret itself is never in an event: only its version (the vault keeps it encrypted). */
export type WebhookEndpointRegistered = {
  type: 'WebhookEndpointRegistered';
  data: {
    endpointId: string;
    partnerTenantId: string;
    url: string;
    eventTypes: WebhookEventType[];
    description: string | null;
    secretVersion: number;
    registeredAt: IsoDateTime;
  };
};

export type WebhookEndpointUpdated = {
  type: 'WebhookEndpointUpdated';
  data: {
    endpointId: string;
    partnerTenantId: string;
    url?: string;
    eventTypes?: WebhookEventType[];
    description?: string | null;
    updatedAt: IsoDateTime;
  };
};

export type WebhookEndpointDisabled = {
  type: 'WebhookEndpointDisabled';
  data: {
    endpointId: string;
    partnerTenantId: string;
    reason: WebhookDisableReason;
    detail?: string;
    disabledAt: IsoDateTime;
  };
};

export type WebhookEndpointEnabled = {
  type: 'WebhookEndpointEnabled';
  data: { endpointId: string; partnerTenantId: string; enabledAt: IsoDateTime };
};

export type WebhookEndpointDeleted = {
  type: 'WebhookEndpointDeleted';
  data: { endpointId: string; partnerTenantId: string; deletedAt: IsoDateTime };
};

/** A new secret was shown; the previous one keeps signing alongside until previousSecretExpiresAt. */
export type WebhookSecretRotated = {
  type: 'WebhookSecretRotated';
  data: {
    endpointId: string;
    partnerTenantId: string;
    secretVersion: number;
    previousSecretExpiresAt: IsoDateTime;
    rotatedAt: IsoDateTime;
  };
};

export type WebhookEndpointEvent =
  | WebhookEndpointRegistered
  | WebhookEndpointUpdated
  | WebhookEndpointDisabled
  | WebhookEndpointEnabled
  | WebhookEndpointDeleted
  | WebhookSecretRotated;

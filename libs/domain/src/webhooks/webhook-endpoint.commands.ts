import type { WebhookDisableReason } from './webhook-endpoint.events';

export type RegisterWebhookEndpoint = {
  type: 'RegisterWebhookEndpoint';
  data: {
    endpointId: string;
    partnerTenantId: string;
    url: unknown;
    eventTypes: unknown;
    description?: unknown;
    /** Production: only https:// URLs. */
    httpsOnly: boolean;
  };
};

export type UpdateWebhookEndpoint = {
  type: 'UpdateWebhookEndpoint';
  data: {
    partnerTenantId: string;
    url?: unknown;
    eventTypes?: unknown;
    description?: unknown;
    disabled?: unknown;
    httpsOnly: boolean;
  };
};

export type DeleteWebhookEndpoint = { type: 'DeleteWebhookEndpoint'; data: { partnerTenantId: string } };

export type RotateWebhookSecret = {
  type: 'RotateWebhookSecret';
  data: { partnerTenantId: string; overlapMs: number };
};

/** The delivery worker's: a 410 Gone, or the last of N failed deliveries in a row. */
export type DisableWebhookEndpoint = {
  type: 'DisableWebhookEndpoint';
  data: { reason: Exclude<WebhookDisableReason, 'requested'>; detail: string };
};

export type WebhookEndpointCommand =
  | RegisterWebhookEndpoint
  | UpdateWebhookEndpoint
  | DeleteWebhookEndpoint
  | RotateWebhookSecret
  | DisableWebhookEndpoint;

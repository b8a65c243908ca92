import type { CancellationPropagated, OrderCancelled, OrderPlaced } from '../orders/order.events';
import type { Money } from '../shared/types';

/** The event types a webhook endpoint may subscribe to (the catalogue). */
export const WEBHOOK_EVENT_TYPES = [
  'order.placed',
  'order.cancelled',
  'credit.posted',
  'cancellation.propagated',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

export const isWebhookEventType = (value: unknown): value is WebhookEventType =>
  typeof value === 'string' && (WEBHOOK_EVENT_TYPES as readonly string[]).includes(value);

/** The domain events the webhook types are made of. */
export type WebhookSourceEvent = OrderPlaced | OrderCancelled | CancellationPropagated;

/** A thin payload (the Standard Webhooks shape): enough to know what happened and where to read more. */
export interface WebhookPayload {
  type: WebhookEventType;
  timestamp: string;
  data: {
    partnerId: string;
    customerId: string;
    orderId: string;
    lineItemNumber?: number;
    credit?: Money;
    /** The billing period a posted credit belongs to (the next open one when its own was closed). */
    period?: string;
    /** The cancellation's own period when the credit went to a later one because its own was closed. */
    originalPeriod?: string;
    /** Global position of the event: receivers order by it and read more from GET /v1/events. */
    position: number;
  };
}

/**
 * One message of one source event: `key` tells messages of the same event apart (a credit per line item), so that
 * (endpoint, event id, key) names a delivery, whatever replays or restarts happen.
 */
export interface WebhookMessage {
  key: string;
  payload: WebhookPayload;
}

export interface OrderRef {
  partnerId: string;
  customerId: string;
  orderId: string;
}

export interface PostedCredit {
  lineItemNumber: number;
  credit: Money;
  period: string;
  originalPeriod?: string;
}

/** The webhook messages of a source event (order.placed, order.cancelled, cancellation.propagated, credit.posted). */
export function webhookMessagesOf(
  source: { type: string; position: number; recordedAt: string },
  order: OrderRef,
  postedCredits: readonly PostedCredit[] = [],
): WebhookMessage[] {
  const base = { ...order, position: source.position };
  const message = (type: WebhookEventType, key: string, extra: Partial<WebhookPayload['data']> = {}) => ({
    key,
    payload: { type, timestamp: source.recordedAt, data: { ...base, ...extra } },
  });
  switch (source.type) {
    case 'OrderPlaced':
      return [message('order.placed', 'order.placed')];
    case 'OrderCancelled':
      return [message('order.cancelled', 'order.cancelled')];
    case 'CancellationPropagated':
      return [
        message('cancellation.propagated', 'cancellation.propagated'),
        ...postedCredits.map((c) =>
          message('credit.posted', `credit.posted:${c.lineItemNumber}`, {
            lineItemNumber: c.lineItemNumber,
            credit: c.credit,
            period: c.period,
            ...(c.originalPeriod ? { originalPeriod: c.originalPeriod } : {}),
          }),
        ),
      ];
    default:
      return [];
  }
}

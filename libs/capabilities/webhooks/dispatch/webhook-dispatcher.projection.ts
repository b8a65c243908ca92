import { createHash } from 'node:crypto';
import {
  billingPeriodOf,
  formatMoney,
  openPeriodFor,
  webhookMessagesOf,
  type OrderRef,
  type PostedCredit,
  type StatementClosed,
  type WebhookEndpointEvent,
  type WebhookMessage,
  type WebhookSourceEvent,
} from '@csp/domain';
import type { RecordedEvent } from '@csp/event-store';
import { eventsProjection, type Projection, type Recorded } from '@csp/event-sourcing';
import type { PoolClient } from 'pg';
import { WEBHOOK_DDL } from '../store/webhook-tables.schema';

export const WEBHOOK_DISPATCHER = 'webhook-dispatcher';

/** The webhook-id of a message to an endpoint: the same for every attempt, retry, replay and restart. */
export const deliveryIdOf = (endpointId: string, eventId: string, key: string): string =>
  `msg_${createHash('sha256').update(`${endpointId}\0${eventId}\0${key}`).digest('hex').slice(0, 32)}`;

export interface DueDelivery {
  id: string;
  attempt: number;
  /** Set for an attempt whose worker died holding it (its lease expired): the job is a new one, not the lost one's. */
  orphanedAt?: number;
}

export interface WebhookDispatcherDeps {
  /** Called after the batch (outside its transaction) with the deliveries it created. Best-effort. */
  enqueue(deliveries: DueDelivery[]): Promise<void>;
  onError?(message: string): void;
}

type EndpointRef = { endpointId: string; eventTypes: string[] };

/** What the dispatcher follows: the endpoints' own events, the source events, and the closed months. */
type DispatcherEvent = WebhookEndpointEvent | WebhookSourceEvent | StatementClosed;

/**
 * The checkpointed subscription that turns events into deliveries: it keeps the endpoints (from their own events,
 * so an endpoint gets exactly the events after its registration), the order → partner index, the credits waiting
 * to be posted and the closed months; for each message it creates one delivery per subscribed endpoint with an id
 * derived from (endpoint, event, key), inserted if absent, in the same transaction as the checkpoint. A redelivered
 * batch creates nothing new; the jobs are enqueued after the commit, and a reconciler enqueues what was lost.
 */
export function webhookDispatcher(deps: WebhookDispatcherDeps): Projection {
  return eventsProjection<DispatcherEvent>({
    name: WEBHOOK_DISPATCHER,
    version: 1,
    eventTypes: {
      WebhookEndpointRegistered: true,
      WebhookEndpointUpdated: true,
      WebhookEndpointDisabled: true,
      WebhookEndpointEnabled: true,
      WebhookEndpointDeleted: true,
      WebhookSecretRotated: true,
      OrderPlaced: true,
      OrderCancelled: true,
      CancellationPropagated: true,
      StatementClosed: true,
    },
    async migrate(client: PoolClient): Promise<void> {
      for (const statement of WEBHOOK_DDL) await client.query(statement);
    },
    async apply(client, events): Promise<void> {
      const endpoints = new Map<string, EndpointRef[]>();
      const created: DueDelivery[] = [];
      for (const event of events) {
        switch (event.type) {
          case 'StatementClosed':
            await client.query('INSERT INTO webhook_closed_periods VALUES ($1, $2) ON CONFLICT DO NOTHING', [
              event.data.partnerTenantId.toLowerCase(),
              event.data.period,
            ]);
            break;
          case 'OrderPlaced':
          case 'OrderCancelled':
          case 'CancellationPropagated':
            created.push(...(await dispatch(client, event, endpoints)));
            break;
          default:
            await applyEndpointEvent(client, event);
            endpoints.clear();
        }
      }
      if (created.length === 0) return;
      // After the commit, as the propagation reactor does: a transaction held open on the queue would hold back
      // every follower of the store. A crash before the enqueue is repaired by the reconciler.
      setImmediate(() => {
        deps
          .enqueue(created)
          .catch((e: unknown) =>
            deps.onError?.(`enqueue of ${created.length} deliveries failed (${String(e)}); the reconciler will retry`),
          );
      });
    },
  });
}

/** The deliveries of a source event: one per message and active endpoint of its partner subscribed to its type. */
async function dispatch(
  client: PoolClient,
  event: Recorded<WebhookSourceEvent>,
  endpoints: Map<string, EndpointRef[]>,
): Promise<DueDelivery[]> {
  const source = await sourceOf(client, event);
  if (!source) return [];
  const { order, posted } = source;
  let subscribed = endpoints.get(order.partnerId);
  if (!subscribed) {
    const r = await client.query<{ endpoint_id: string; event_types: string[] }>(
      `SELECT endpoint_id, event_types FROM webhook_endpoints WHERE partner_tenant_id = $1 AND status = 'active'`,
      [order.partnerId],
    );
    subscribed = r.rows.map((row) => ({ endpointId: row.endpoint_id, eventTypes: row.event_types }));
    endpoints.set(order.partnerId, subscribed);
  }
  if (subscribed.length === 0) return [];
  const messages = webhookMessagesOf(
    { type: event.type, position: event.globalPosition, recordedAt: event.recordedAt.toISOString() },
    order,
    posted,
  );
  return createDeliveries(client, event, order.partnerId, messages, subscribed);
}

async function applyEndpointEvent(client: PoolClient, e: Recorded<WebhookEndpointEvent>): Promise<void> {
  const at = e.recordedAt;
  switch (e.type) {
    case 'WebhookEndpointRegistered': {
      const d = e.data;
      await client.query(
        `INSERT INTO webhook_endpoints (endpoint_id, partner_tenant_id, url, event_types, description, status,
           secret_version, registered_at, updated_at, position)
         VALUES ($1, $2, $3, $4, $5, 'active', $6, $7, $7, $8) ON CONFLICT (endpoint_id) DO NOTHING`,
        [
          d.endpointId,
          d.partnerTenantId,
          d.url,
          d.eventTypes,
          d.description,
          d.secretVersion,
          d.registeredAt,
          e.globalPosition,
        ],
      );
      return;
    }
    case 'WebhookEndpointUpdated': {
      const d = e.data;
      await client.query(
        `UPDATE webhook_endpoints SET url = COALESCE($2, url), event_types = COALESCE($3, event_types),
           description = CASE WHEN $4 THEN $5 ELSE description END, updated_at = $6, position = $7
         WHERE endpoint_id = $1 AND position < $7`,
        [
          d.endpointId,
          d.url ?? null,
          d.eventTypes ?? null,
          'description' in d,
          d.description ?? null,
          at,
          e.globalPosition,
        ],
      );
      return;
    }
    case 'WebhookEndpointDisabled':
      await client.query(
        `UPDATE webhook_endpoints SET status = 'disabled', disabled_reason = $2, updated_at = $3, position = $4
          WHERE endpoint_id = $1 AND position < $4 AND status <> 'deleted'`,
        [e.data.endpointId, e.data.reason, at, e.globalPosition],
      );
      return;
    case 'WebhookEndpointEnabled':
      await client.query(
        `UPDATE webhook_endpoints SET status = 'active', disabled_reason = NULL, consecutive_failures = 0,
           updated_at = $2, position = $3 WHERE endpoint_id = $1 AND position < $3 AND status <> 'deleted'`,
        [e.data.endpointId, at, e.globalPosition],
      );
      return;
    case 'WebhookEndpointDeleted':
      await client.query(
        `UPDATE webhook_endpoints SET status = 'deleted', updated_at = $2, position = $3 WHERE endpoint_id = $1 AND position < $3`,
        [e.data.endpointId, at, e.globalPosition],
      );
      return;
    case 'WebhookSecretRotated':
      await client.query(
        `UPDATE webhook_endpoints SET secret_version = $2, previous_secret_expires_at = $3, updated_at = $4, position = $5
          WHERE endpoint_id = $1 AND position < $5`,
        [e.data.endpointId, e.data.secretVersion, e.data.previousSecretExpiresAt, at, e.globalPosition],
      );
      return;
  }
}

/** The order a source event is about, and the credits a propagation posts (with the period they go to). */
async function sourceOf(
  client: PoolClient,
  event: Recorded<WebhookSourceEvent>,
): Promise<{ order: OrderRef; posted: PostedCredit[] } | undefined> {
  if (event.type === 'OrderPlaced') {
    const d = event.data;
    const order = { partnerId: d.partnerTenantId.toLowerCase(), customerId: d.customerId, orderId: d.orderId };
    await client.query('INSERT INTO webhook_orders VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [
      order.orderId,
      order.partnerId,
      order.customerId,
    ]);
    return { order, posted: [] };
  }
  if (event.type === 'OrderCancelled') {
    const d = event.data;
    await client.query(
      `INSERT INTO webhook_pending_credits
       SELECT $1, x.n, x.credit, $2, $3, $4 FROM unnest($5::int[], $6::bigint[]) AS x(n, credit) ON CONFLICT DO NOTHING`,
      [
        d.orderId,
        d.currencyCode,
        d.cancelledAt,
        event.globalPosition,
        d.lineItems.map((l) => l.lineItemNumber),
        d.lineItems.map((l) => l.credit),
      ],
    );
    return {
      order: { partnerId: d.partnerTenantId.toLowerCase(), customerId: d.customerId, orderId: d.orderId },
      posted: [],
    };
  }
  // CancellationPropagated
  const d = event.data;
  const o = await client.query<{ partner_tenant_id: string; customer_id: string }>(
    'SELECT partner_tenant_id, customer_id FROM webhook_orders WHERE order_id = $1',
    [d.orderId],
  );
  if (o.rows.length === 0) return undefined;
  const order = { partnerId: o.rows[0].partner_tenant_id, customerId: o.rows[0].customer_id, orderId: d.orderId };
  // As the credit ledger posts them: the lines cancelled up to this propagation's cancellation.
  const lines = await client.query<{
    line_item_number: number;
    credit_minor: string;
    currency_code: string;
    cancelled_at: Date;
  }>(
    `DELETE FROM webhook_pending_credits WHERE order_id = $1 AND position < $2
          AND ($3::timestamptz IS NULL OR cancelled_at <= $3) RETURNING *`,
    [d.orderId, event.globalPosition, d.cancelledAt ?? null],
  );
  const closed = await client.query<{ period: string }>(
    'SELECT period FROM webhook_closed_periods WHERE partner_tenant_id = $1',
    [order.partnerId],
  );
  const closedSet = new Set(closed.rows.map((r) => r.period));
  const posted = lines.rows
    .sort((a, b) => a.line_item_number - b.line_item_number)
    .map((l) => {
      const own = billingPeriodOf(l.cancelled_at);
      const period = openPeriodFor(own, closedSet);
      return {
        lineItemNumber: l.line_item_number,
        credit: formatMoney(Number(l.credit_minor), l.currency_code),
        period,
        ...(period !== own ? { originalPeriod: own } : {}),
      };
    });
  return { order, posted };
}

async function createDeliveries(
  client: PoolClient,
  event: Pick<RecordedEvent, 'eventId' | 'globalPosition' | 'recordedAt'>,
  partnerId: string,
  messages: WebhookMessage[],
  endpoints: EndpointRef[],
): Promise<DueDelivery[]> {
  const rows = messages.flatMap((m) =>
    endpoints
      .filter((e) => e.eventTypes.includes(m.payload.type))
      .map((e) => ({ id: deliveryIdOf(e.endpointId, event.eventId, m.key), endpointId: e.endpointId, message: m })),
  );
  if (rows.length === 0) return [];
  const r = await client.query<{ id: string }>(
    `INSERT INTO webhook_deliveries (id, endpoint_id, partner_tenant_id, event_id, event_type, position,
       event_recorded_at, payload, status, next_attempt_at)
     SELECT x.id, x.endpoint_id, $1, $2, x.type, $3, $4, x.payload, 'pending', now()
       FROM unnest($5::text[], $6::text[], $7::text[], $8::text[]) AS x(id, endpoint_id, type, payload)
     ON CONFLICT (id) DO NOTHING RETURNING id`,
    [
      partnerId,
      event.eventId,
      event.globalPosition,
      event.recordedAt,
      rows.map((x) => x.id),
      rows.map((x) => x.endpointId),
      rows.map((x) => x.message.payload.type),
      rows.map((x) => JSON.stringify(x.message.payload)),
    ],
  );
  return r.rows.map((row) => ({ id: row.id, attempt: 1 }));
}

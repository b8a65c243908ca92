import type { Pool } from 'pg';
import { decodeToken, encodeToken, keyset } from '@csp/event-sourcing';

export interface EndpointRow {
  id: string;
  url: string;
  eventTypes: string[];
  description: string | null;
  disabled: boolean;
  disabledReason: string | null;
  secretVersion: number;
  createdAt: string;
}

export interface DeliveryView {
  id: string;
  endpointId: string;
  eventType: string;
  eventId: string;
  position: number;
  status: string;
  attempts: number;
  nextAttemptAt: string | null;
  lastStatusCode: number | null;
  lastError: string | null;
  createdAt: string;
  deliveredAt: string | null;
  payload: unknown;
}

export interface AttemptView {
  attempt: number;
  startedAt: string;
  durationMs: number;
  statusCode: number | null;
  responseBody: string | null;
  error: string | null;
}

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);
const TOKEN = 'webhook-deliveries';
/** Deliveries newest first (by their event's position), each event's by id. */
const NEWEST_FIRST = keyset(
  [
    ['position', 'bigint'],
    ['id', 'text'],
  ],
  'desc',
);

/** The API's reads of the webhook tables; every one scoped to the caller's partner tenant. */
export class WebhookQueries {
  constructor(private readonly pool: Pool) {}

  async endpoints(partnerTenantId: string): Promise<EndpointRow[]> {
    const r = await this.pool.query(
      `SELECT endpoint_id, url, event_types, description, status, disabled_reason, secret_version, registered_at
         FROM webhook_endpoints WHERE partner_tenant_id = $1 AND status <> 'deleted' ORDER BY registered_at, endpoint_id`,
      [partnerTenantId],
    );
    return r.rows.map((row) => ({
      id: row.endpoint_id,
      url: row.url,
      eventTypes: row.event_types,
      description: row.description,
      disabled: row.status === 'disabled',
      disabledReason: row.disabled_reason,
      secretVersion: row.secret_version,
      createdAt: row.registered_at.toISOString(),
    }));
  }

  async deliveries(
    partnerTenantId: string,
    filter: { endpointId?: string; status?: string; eventType?: string },
    size: number,
    continuationToken?: string,
  ): Promise<{ items: DeliveryView[]; continuationToken: string | null }> {
    const params: unknown[] = [partnerTenantId];
    let where = 'partner_tenant_id = $1';
    for (const [column, value] of [
      ['endpoint_id', filter.endpointId],
      ['status', filter.status],
      ['event_type', filter.eventType],
    ] as const) {
      if (value === undefined) continue;
      params.push(value);
      where += ` AND ${column} = $${params.length}`;
    }
    if (continuationToken) {
      const after = decodeToken<[number, string]>(TOKEN, continuationToken, ['number', 'string']);
      where += ` AND ${NEWEST_FIRST.after(after, params)}`;
    }
    params.push(size + 1);
    const r = await this.pool.query(
      `SELECT * FROM webhook_deliveries WHERE ${where} ORDER BY ${NEWEST_FIRST.orderBy} LIMIT $${params.length}`,
      params,
    );
    const rows = r.rows.slice(0, size);
    const last = rows[rows.length - 1];
    return {
      items: rows.map((row) => ({
        id: row.id,
        endpointId: row.endpoint_id,
        eventType: row.event_type,
        eventId: row.event_id,
        position: Number(row.position),
        status: row.status,
        attempts: row.attempts,
        nextAttemptAt: row.status === 'pending' ? iso(row.next_attempt_at) : null,
        lastStatusCode: row.last_status_code,
        lastError: row.last_error,
        createdAt: row.created_at.toISOString(),
        deliveredAt: iso(row.delivered_at),
        payload: JSON.parse(row.payload),
      })),
      continuationToken: r.rows.length > size ? encodeToken(TOKEN, [Number(last.position), last.id]) : null,
    };
  }

  /** The delivery's attempts, oldest first; undefined when the delivery is not the partner's. */
  async attempts(partnerTenantId: string, deliveryId: string): Promise<AttemptView[] | undefined> {
    const owner = await this.pool.query('SELECT 1 FROM webhook_deliveries WHERE id = $1 AND partner_tenant_id = $2', [
      deliveryId,
      partnerTenantId,
    ]);
    if (owner.rowCount === 0) return undefined;
    const r = await this.pool.query('SELECT * FROM webhook_attempts WHERE delivery_id = $1 ORDER BY attempt', [
      deliveryId,
    ]);
    return r.rows.map((row) => ({
      attempt: row.attempt,
      startedAt: row.started_at.toISOString(),
      durationMs: row.duration_ms,
      statusCode: row.status_code,
      responseBody: row.response_body,
      error: row.error,
    }));
  }
}

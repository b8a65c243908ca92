import type { Pool } from 'pg';
import { inTransaction } from '@csp/event-sourcing';
import type { DueDelivery } from '../dispatch/webhook-dispatcher.projection';

export type DeliveryStatus = 'pending' | 'succeeded' | 'failed';

export interface ClaimedDelivery {
  id: string;
  endpointId: string;
  payload: string;
  attempt: number;
  /** Attempts counted by the retry schedule (those since the last retry or replay), this one included. */
  scheduledAttempt: number;
  createdAt: Date;
  eventRecordedAt: Date;
  endpoint: {
    url: string;
    status: string;
    secretVersion: number;
    previousSecretExpiresAt: Date | null;
  } | null;
}

export interface AttemptRecord {
  attempt: number;
  startedAt: Date;
  durationMs: number;
  statusCode: number | null;
  responseBody: string | null;
  error: string | null;
}

/** The deliveries and attempts tables, as the delivery worker and the API's retry and replay use them. */
export class WebhookDeliveryStore {
  constructor(private readonly pool: Pool) {}

  /**
   * Takes a due pending delivery for one attempt: a lease (the attempt's timeout and a margin) keeps another worker
   * off it; a worker killed mid-attempt leaves the lease to expire, and the reconciler enqueues it again.
   */
  async claim(id: string, leaseMs: number): Promise<ClaimedDelivery | undefined> {
    const r = await this.pool.query(
      `UPDATE webhook_deliveries d SET lease_until = now() + make_interval(secs => $2::double precision / 1000),
              updated_at = now()
        WHERE d.id = $1 AND d.status = 'pending' AND d.next_attempt_at <= now() + interval '1 second'
          AND (d.lease_until IS NULL OR d.lease_until < now())
        RETURNING d.id, d.endpoint_id, d.payload, d.attempts, d.schedule_base, d.created_at, d.event_recorded_at`,
      [id, leaseMs],
    );
    const row = r.rows[0];
    if (!row) return undefined;
    const e = await this.pool.query(
      `SELECT url, status, secret_version, previous_secret_expires_at FROM webhook_endpoints WHERE endpoint_id = $1`,
      [row.endpoint_id],
    );
    const ep = e.rows[0];
    return {
      id: row.id,
      endpointId: row.endpoint_id,
      payload: row.payload,
      attempt: row.attempts + 1,
      scheduledAttempt: row.attempts + 1 - row.schedule_base,
      createdAt: row.created_at,
      eventRecordedAt: row.event_recorded_at,
      endpoint: ep
        ? {
            url: ep.url,
            status: ep.status,
            secretVersion: ep.secret_version,
            previousSecretExpiresAt: ep.previous_secret_expires_at,
          }
        : null,
    };
  }

  /** Stores an attempt and the delivery's outcome in one transaction. */
  async finish(
    id: string,
    attempt: AttemptRecord | null,
    outcome: { status: DeliveryStatus; nextAttemptInMs?: number; error?: string | null; statusCode?: number | null },
  ): Promise<void> {
    await inTransaction(this.pool, async (client) => {
      if (attempt) {
        await client.query(
          `INSERT INTO webhook_attempts (delivery_id, attempt, started_at, duration_ms, status_code, response_body, error)
           VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (delivery_id, attempt) DO NOTHING`,
          [
            id,
            attempt.attempt,
            attempt.startedAt,
            attempt.durationMs,
            attempt.statusCode,
            attempt.responseBody,
            attempt.error,
          ],
        );
      }
      await client.query(
        `UPDATE webhook_deliveries SET status = $2, attempts = COALESCE($3, attempts), lease_until = NULL,
           next_attempt_at = now() + make_interval(secs => $4::double precision / 1000),
           last_status_code = $5, last_error = $6, updated_at = now(),
           delivered_at = CASE WHEN $2 = 'succeeded' THEN now() ELSE delivered_at END
         WHERE id = $1`,
        [
          id,
          outcome.status,
          attempt?.attempt ?? null,
          outcome.nextAttemptInMs ?? 0,
          outcome.statusCode ?? null,
          outcome.error ?? null,
        ],
      );
    });
  }

  /** Failed deliveries in a row of an endpoint (a success resets it); returns the new count. */
  async countEndpointOutcome(endpointId: string, succeeded: boolean): Promise<number> {
    const r = await this.pool.query<{ consecutive_failures: number }>(
      `UPDATE webhook_endpoints SET consecutive_failures = CASE WHEN $2 THEN 0 ELSE consecutive_failures + 1 END
          WHERE endpoint_id = $1 RETURNING consecutive_failures`,
      [endpointId, succeeded],
    );
    return r.rows[0]?.consecutive_failures ?? 0;
  }

  /** Pending deliveries that are due and held by no live lease: what the queue may have lost. */
  async due(limit = 500): Promise<DueDelivery[]> {
    const r = await this.pool.query<{ id: string; attempts: number; lease_until: Date | null }>(
      `SELECT id, attempts, lease_until FROM webhook_deliveries
        WHERE status = 'pending' AND next_attempt_at <= now() AND (lease_until IS NULL OR lease_until < now())
        ORDER BY next_attempt_at LIMIT $1`,
      [limit],
    );
    // A lease that expired is a worker that died mid-attempt: its job may linger in the queue, so a new one is made.
    return r.rows.map((row) => ({
      id: row.id,
      attempt: row.attempts + 1,
      ...(row.lease_until ? { orphanedAt: row.lease_until.getTime() } : {}),
    }));
  }

  /**
   * Sends deliveries again (retry, replay): pending and due now, the schedule restarting, the same id. Only the
   * partner's own; `where` selects them (an SQL condition over `d`, parameters from $2 on).
   */
  async resend(partnerTenantId: string, where: string, params: unknown[]): Promise<DueDelivery[]> {
    const r = await this.pool.query<{ id: string; attempts: number }>(
      `UPDATE webhook_deliveries d SET status = 'pending', schedule_base = d.attempts, next_attempt_at = now(),
              lease_until = NULL, updated_at = now()
        WHERE d.partner_tenant_id = $1 AND ${where} RETURNING d.id, d.attempts`,
      [partnerTenantId, ...params],
    );
    return r.rows.map((row) => ({ id: row.id, attempt: row.attempts + 1 }));
  }

  /** Oldest pending delivery's creation per endpoint (the metric's gauge). */
  async oldestPending(): Promise<{ endpointId: string; ageSeconds: number }[]> {
    const r = await this.pool.query<{ endpoint_id: string; age: number }>(
      `SELECT endpoint_id, EXTRACT(EPOCH FROM now() - min(created_at))::float8 AS age FROM webhook_deliveries
        WHERE status = 'pending' GROUP BY endpoint_id`,
    );
    return r.rows.map((row) => ({ endpointId: row.endpoint_id, ageSeconds: row.age }));
  }
}

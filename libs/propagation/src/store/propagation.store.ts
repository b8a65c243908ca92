import type { Pool, PoolClient } from 'pg';

type Db = Pool | PoolClient;

/** One cancellation to propagate, as the reactor recorded it. */
export interface CancellationRef {
  cancellationEventId: string;
  orderId: string;
  streamId: string;
  customerId: string;
  cancelledAt: string;
  propagationDeadline: string;
}

export interface PropagationRow extends CancellationRef {
  keysRevokedAt: string | null;
  linksRevokedAt: string | null;
  creditPostedAt: string | null;
  propagatedAt: string | null;
  overdueAt: string | null;
  failures: number;
}

/** A line credit as finance reads it: minor units, currency, basis, tax treatment, invoice period. */
export interface LedgerCredit {
  orderId: string;
  lineItemNumber: number;
  customerId: string;
  partnerTenantId: string;
  offerId: string;
  kind: string;
  /** YYYY-MM, the calendar month (UTC) in which the cancellation took effect. */
  period: string;
  amountMinor: number;
  currencyCode: string;
  basis: 'full' | 'prorated';
  taxInclusive: boolean;
  cancelledAt: string;
}

export interface RevokedLink {
  linkId: string;
  lineItemNumber: number;
}

export interface WindowWarningRef {
  orderId: string;
  windowEndsAt: string;
  hoursBefore: number;
  dueAt: string;
}

export type WarningOutcome = 'warned' | 'cancelled' | 'expired' | 'not_applicable';

const iso = (v: Date | string | null): string | null => (v === null ? null : new Date(v).toISOString());

/** The calendar month (UTC) of an instant: the invoice period of a cancellation. */
export const creditPeriodOf = (instant: string): string => new Date(instant).toISOString().slice(0, 7);

/** SQL of propagation's tables; every write is idempotent (retries, two workers, replays). */
export class PropagationStore {
  constructor(private readonly pool: Pool) {}

  // ------------------------------------------------------------------ cancellations

  /** Records a cancellation once (the reactor in its checkpoint transaction, or a job that got there first). */
  async recordCancellation(ref: CancellationRef, db: Db = this.pool): Promise<void> {
    await db.query(
      `INSERT INTO cancellation_propagations
         (cancellation_event_id, order_id, stream_id, customer_id, cancelled_at, propagation_deadline)
       VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (cancellation_event_id) DO NOTHING`,
      [ref.cancellationEventId, ref.orderId, ref.streamId, ref.customerId, ref.cancelledAt, ref.propagationDeadline],
    );
  }

  async get(cancellationEventId: string): Promise<PropagationRow | undefined> {
    const { rows } = await this.pool.query(`SELECT * FROM cancellation_propagations WHERE cancellation_event_id = $1`, [
      cancellationEventId,
    ]);
    return rows[0] ? toRow(rows[0]) : undefined;
  }

  /** Step finish times are set once: a retry keeps the first instant. */
  async keysRevoked(cancellationEventId: string, at: Date): Promise<string> {
    return this.setStep(this.pool, cancellationEventId, 'keys_revoked_at', at);
  }

  /** Records the links and the step in one transaction. */
  async linksRevoked(ref: CancellationRef, links: readonly RevokedLink[], at: Date): Promise<string> {
    return this.inTransaction(async (client) => {
      if (links.length > 0) {
        await client.query(
          `INSERT INTO revoked_download_links (link_id, order_id, line_item_number, revoked_at, cancellation_event_id)
           SELECT l.link_id, $1, l.line_item_number, $2, $3
             FROM unnest($4::text[], $5::int[]) AS l(link_id, line_item_number)
           ON CONFLICT (link_id) DO NOTHING`,
          [
            ref.orderId,
            at.toISOString(),
            ref.cancellationEventId,
            links.map((l) => l.linkId),
            links.map((l) => l.lineItemNumber),
          ],
        );
      }
      return this.setStep(client, ref.cancellationEventId, 'links_revoked_at', at);
    });
  }

  /** Posts each line's credit once (unique on order + line) and records the step, in one transaction. */
  async creditsPosted(ref: CancellationRef, credits: readonly LedgerCredit[], at: Date): Promise<string> {
    return this.inTransaction(async (client) => {
      for (const c of credits) {
        await client.query(
          `INSERT INTO invoice_credit_ledger (id, order_id, line_item_number, customer_id, partner_tenant_id, offer_id,
             kind, period, amount_minor, currency_code, basis, tax_inclusive, cancelled_at, posted_at, cancellation_event_id)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
           ON CONFLICT ON CONSTRAINT invoice_credit_ledger_once DO NOTHING`,
          [
            `${c.orderId}_${c.lineItemNumber}`,
            c.orderId,
            c.lineItemNumber,
            c.customerId,
            c.partnerTenantId,
            c.offerId,
            c.kind,
            c.period,
            c.amountMinor,
            c.currencyCode,
            c.basis,
            c.taxInclusive,
            c.cancelledAt,
            at.toISOString(),
            ref.cancellationEventId,
          ],
        );
      }
      return this.setStep(client, ref.cancellationEventId, 'credit_posted_at', at);
    });
  }

  async markPropagated(cancellationEventId: string, propagatedAt: string, db: Db = this.pool): Promise<void> {
    await db.query(
      `UPDATE cancellation_propagations SET propagated_at = coalesce(propagated_at, $2)
        WHERE cancellation_event_id = $1`,
      [cancellationEventId, propagatedAt],
    );
  }

  /** From CancellationPropagated in the store (the reactor): by order, since the event names no cancellation id. */
  async markOrderPropagated(orderId: string, propagatedAt: string, db: Db = this.pool): Promise<void> {
    await db.query(
      `UPDATE cancellation_propagations SET propagated_at = coalesce(propagated_at, $2) WHERE order_id = $1`,
      [orderId, propagatedAt],
    );
  }

  async markOrderOverdue(orderId: string, detectedAt: string, db: Db = this.pool): Promise<void> {
    await db.query(`UPDATE cancellation_propagations SET overdue_at = coalesce(overdue_at, $2) WHERE order_id = $1`, [
      orderId,
      detectedAt,
    ]);
  }

  async recordFailure(cancellationEventId: string, error: string): Promise<void> {
    await this.pool.query(
      `UPDATE cancellation_propagations SET failures = failures + 1, last_error = left($2, 2000)
        WHERE cancellation_event_id = $1`,
      [cancellationEventId, error],
    );
  }

  /** Cancellations without CancellationPropagated, oldest deadline first. */
  async pending(limit = 1000): Promise<PropagationRow[]> {
    const { rows } = await this.pool.query(
      `SELECT * FROM cancellation_propagations WHERE propagated_at IS NULL
        ORDER BY propagation_deadline LIMIT $1`,
      [limit],
    );
    return rows.map(toRow);
  }

  /** Past their deadline (strictly: at the deadline it is still on time), unpropagated, not yet alerted. */
  async overdueWithoutAlert(now: Date, limit = 1000): Promise<PropagationRow[]> {
    const { rows } = await this.pool.query(
      `SELECT * FROM cancellation_propagations
        WHERE propagated_at IS NULL AND overdue_at IS NULL AND propagation_deadline < $1
        ORDER BY propagation_deadline LIMIT $2`,
      [now.toISOString(), limit],
    );
    return rows.map(toRow);
  }

  /** For /metrics and /health/ready, by the injected clock. */
  async counts(now: Date): Promise<{ pending: number; overdue: number }> {
    const { rows } = await this.pool.query<{ pending: string; overdue: string }>(
      `SELECT count(*) AS pending, count(*) FILTER (WHERE propagation_deadline < $1) AS overdue
         FROM cancellation_propagations WHERE propagated_at IS NULL`,
      [now.toISOString()],
    );
    return { pending: Number(rows[0]?.pending ?? 0), overdue: Number(rows[0]?.overdue ?? 0) };
  }

  async ledgerOf(orderId: string): Promise<LedgerCredit[]> {
    const { rows } = await this.pool.query(
      `SELECT * FROM invoice_credit_ledger WHERE order_id = $1 ORDER BY line_item_number`,
      [orderId],
    );
    return rows.map((r) => ({
      orderId: r.order_id,
      lineItemNumber: r.line_item_number,
      customerId: r.customer_id,
      partnerTenantId: r.partner_tenant_id,
      offerId: r.offer_id,
      kind: r.kind,
      period: r.period,
      amountMinor: Number(r.amount_minor),
      currencyCode: r.currency_code,
      basis: r.basis,
      taxInclusive: r.tax_inclusive,
      cancelledAt: iso(r.cancelled_at) as string,
    }));
  }

  async revokedLinksOf(orderId: string): Promise<string[]> {
    const { rows } = await this.pool.query<{ link_id: string }>(
      'SELECT link_id FROM revoked_download_links WHERE order_id = $1 ORDER BY link_id',
      [orderId],
    );
    return rows.map((r) => r.link_id);
  }

  // ------------------------------------------------------------------ window-closing warnings

  async recordWindowWarning(w: WindowWarningRef, db: Db = this.pool): Promise<void> {
    await db.query(
      `INSERT INTO cancellation_window_warnings (order_id, window_ends_at, hours_before, due_at)
       VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`,
      [w.orderId, w.windowEndsAt, w.hoursBefore, w.dueAt],
    );
  }

  /** Many reminders in one statement: a reactor batch of placed orders must not hold its transaction long. */
  async recordWindowWarnings(ws: readonly WindowWarningRef[], db: Db = this.pool): Promise<void> {
    if (ws.length === 0) return;
    await db.query(
      `INSERT INTO cancellation_window_warnings (order_id, window_ends_at, hours_before, due_at)
       SELECT * FROM unnest($1::text[], $2::timestamptz[], $3::int[], $4::timestamptz[])
       ON CONFLICT DO NOTHING`,
      [ws.map((w) => w.orderId), ws.map((w) => w.windowEndsAt), ws.map((w) => w.hoursBefore), ws.map((w) => w.dueAt)],
    );
  }

  /** The order was cancelled: its pending reminders will never be sent. */
  async cancelWindowWarnings(orderId: string, at: string, db: Db = this.pool): Promise<void> {
    await db.query(
      `UPDATE cancellation_window_warnings SET outcome = 'cancelled', done_at = $2
        WHERE order_id = $1 AND outcome IS NULL`,
      [orderId, at],
    );
  }

  async windowWarningDone(
    w: Pick<WindowWarningRef, 'orderId' | 'windowEndsAt' | 'hoursBefore'>,
    outcome: WarningOutcome,
    at: Date,
    db: Db = this.pool,
  ): Promise<void> {
    await db.query(
      `UPDATE cancellation_window_warnings SET outcome = $4, done_at = $5
        WHERE order_id = $1 AND window_ends_at = $2 AND hours_before = $3 AND outcome IS NULL`,
      [w.orderId, w.windowEndsAt, w.hoursBefore, outcome, at.toISOString()],
    );
  }

  /** Windows that closed before their reminder went out: nothing left to warn about. */
  async expireWindowWarnings(now: Date): Promise<number> {
    const { rowCount } = await this.pool.query(
      `UPDATE cancellation_window_warnings SET outcome = 'expired', done_at = $1
        WHERE outcome IS NULL AND window_ends_at <= $1`,
      [now.toISOString()],
    );
    return rowCount ?? 0;
  }

  /** An order's reminders and what became of them (operations, tests). */
  async windowWarningsOf(orderId: string): Promise<(WindowWarningRef & { outcome: WarningOutcome | null })[]> {
    const { rows } = await this.pool.query(
      `SELECT * FROM cancellation_window_warnings WHERE order_id = $1 ORDER BY due_at`,
      [orderId],
    );
    return rows.map((r) => ({
      orderId: r.order_id,
      windowEndsAt: iso(r.window_ends_at) as string,
      hoursBefore: r.hours_before,
      dueAt: iso(r.due_at) as string,
      outcome: r.outcome,
    }));
  }

  async dueWindowWarnings(now: Date, limit = 1000): Promise<WindowWarningRef[]> {
    const { rows } = await this.pool.query(
      `SELECT * FROM cancellation_window_warnings
        WHERE outcome IS NULL AND due_at <= $1 AND window_ends_at > $1
        ORDER BY due_at LIMIT $2`,
      [now.toISOString(), limit],
    );
    return rows.map((r) => ({
      orderId: r.order_id,
      windowEndsAt: iso(r.window_ends_at) as string,
      hoursBefore: r.hours_before,
      dueAt: iso(r.due_at) as string,
    }));
  }

  // ------------------------------------------------------------------ helpers

  private async setStep(db: Db, cancellationEventId: string, column: string, at: Date): Promise<string> {
    const { rows } = await db.query<{ at: Date }>(
      `UPDATE cancellation_propagations SET ${column} = coalesce(${column}, $2)
        WHERE cancellation_event_id = $1 RETURNING ${column} AS at`,
      [cancellationEventId, at.toISOString()],
    );
    if (!rows[0]) throw new Error(`cancellation ${cancellationEventId} is not recorded`);
    return rows[0].at.toISOString();
  }

  private async inTransaction<T>(fn: (client: PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await fn(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function toRow(r: any): PropagationRow {
  return {
    cancellationEventId: r.cancellation_event_id,
    orderId: r.order_id,
    streamId: r.stream_id,
    customerId: r.customer_id,
    cancelledAt: iso(r.cancelled_at) as string,
    propagationDeadline: iso(r.propagation_deadline) as string,
    keysRevokedAt: iso(r.keys_revoked_at),
    linksRevokedAt: iso(r.links_revoked_at),
    creditPostedAt: iso(r.credit_posted_at),
    propagatedAt: iso(r.propagated_at),
    overdueAt: iso(r.overdue_at),
    failures: r.failures,
  };
}

import type { Pool, PoolClient } from 'pg';

type Db = Pool | PoolClient;

import type {
  CancellationRef,
  LedgerCredit,
  OrderMark,
  PropagationRow,
  RevokedLink,
  WarningOutcome,
  WindowWarningRef,
} from './propagation.types';

import { firstPerKey, iso, toRow } from './propagation.rows';

export * from './propagation.types';

/** SQL of propagation's tables; every write is idempotent (retries, two workers, replays). */
export class PropagationStore {
  constructor(private readonly pool: Pool) {}

  // ------------------------------------------------------------------ cancellations

  /** Records a cancellation once (a job that got there before the reactor's batch committed). */
  async recordCancellation(ref: CancellationRef, db: Db = this.pool): Promise<void> {
    await this.recordCancellations([ref], db);
  }

  /** Records many cancellations in one statement (a reactor batch, inside its checkpoint transaction). */
  async recordCancellations(refs: readonly CancellationRef[], db: Db = this.pool): Promise<void> {
    if (refs.length === 0) return;
    await db.query(
      `INSERT INTO cancellation_propagations
         (cancellation_event_id, order_id, stream_id, customer_id, cancelled_at, propagation_deadline)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::timestamptz[])
       ON CONFLICT (cancellation_event_id) DO NOTHING`,
      [
        refs.map((r) => r.cancellationEventId),
        refs.map((r) => r.orderId),
        refs.map((r) => r.streamId),
        refs.map((r) => r.customerId),
        refs.map((r) => r.cancelledAt),
        refs.map((r) => r.propagationDeadline),
      ],
    );
  }

  /**
   * A job's first write: records the cancellation unless the reactor already did, and answers its row
   * (the steps already done), in one round trip.
   */
  async recordAndGet(ref: CancellationRef): Promise<PropagationRow> {
    const { rows } = await this.pool.query(
      `WITH inserted AS (
         INSERT INTO cancellation_propagations
           (cancellation_event_id, order_id, stream_id, customer_id, cancelled_at, propagation_deadline)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (cancellation_event_id) DO NOTHING
         RETURNING *)
       SELECT * FROM inserted
       UNION ALL
       SELECT * FROM cancellation_propagations WHERE cancellation_event_id = $1 AND NOT EXISTS (SELECT 1 FROM inserted)`,
      [ref.cancellationEventId, ref.orderId, ref.streamId, ref.customerId, ref.cancelledAt, ref.propagationDeadline],
    );
    if (rows[0]) return toRow(rows[0]);
    // Inserted by another transaction that committed after this statement's snapshot was taken.
    const row = await this.get(ref.cancellationEventId);
    if (!row) throw new Error(`cancellation ${ref.cancellationEventId} could not be recorded`);
    return row;
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

  /**
   * Records the revoked links and posts each line's credit once (unique on order + line), and sets both
   * steps, in one statement (atomic without a transaction, one round trip). Nothing is written unless the
   * cancellation is recorded. Answers the steps' first finish times.
   */
  async linksAndCreditsPosted(
    ref: CancellationRef,
    links: readonly RevokedLink[],
    credits: readonly LedgerCredit[],
    at: Date,
  ): Promise<{ linksRevokedAt: string; creditPostedAt: string }> {
    const { rows } = await this.pool.query<{ links_revoked_at: Date; credit_posted_at: Date }>(
      `WITH recorded AS (
         SELECT cancellation_event_id FROM cancellation_propagations WHERE cancellation_event_id = $1),
       links AS (
         INSERT INTO revoked_download_links (link_id, order_id, line_item_number, revoked_at, cancellation_event_id)
         SELECT l.link_id, $2, l.line_item_number, $3, r.cancellation_event_id
           FROM recorded r, jsonb_to_recordset($4::jsonb) AS l(link_id text, line_item_number int)
         ON CONFLICT (link_id) DO NOTHING),
       credits AS (
         INSERT INTO invoice_credit_ledger (id, order_id, line_item_number, customer_id, partner_tenant_id, offer_id,
           kind, period, amount_minor, currency_code, basis, tax_inclusive, cancelled_at, posted_at, cancellation_event_id)
         SELECT c.order_id || '_' || c.line_item_number, c.order_id, c.line_item_number, c.customer_id,
                c.partner_tenant_id, c.offer_id, c.kind, c.period, c.amount_minor, c.currency_code, c.basis,
                c.tax_inclusive, c.cancelled_at, $3, r.cancellation_event_id
           FROM recorded r, jsonb_to_recordset($5::jsonb) AS c(order_id text, line_item_number int, customer_id text,
                partner_tenant_id text, offer_id text, kind text, period text, amount_minor bigint,
                currency_code text, basis text, tax_inclusive boolean, cancelled_at timestamptz)
         ON CONFLICT ON CONSTRAINT invoice_credit_ledger_once DO NOTHING)
       UPDATE cancellation_propagations
          SET links_revoked_at = coalesce(links_revoked_at, $3), credit_posted_at = coalesce(credit_posted_at, $3)
        WHERE cancellation_event_id = $1
       RETURNING links_revoked_at, credit_posted_at`,
      [
        ref.cancellationEventId,
        ref.orderId,
        at.toISOString(),
        JSON.stringify(links.map((l) => ({ link_id: l.linkId, line_item_number: l.lineItemNumber }))),
        JSON.stringify(
          credits.map((c) => ({
            order_id: c.orderId,
            line_item_number: c.lineItemNumber,
            customer_id: c.customerId,
            partner_tenant_id: c.partnerTenantId,
            offer_id: c.offerId,
            kind: c.kind,
            period: c.period,
            amount_minor: c.amountMinor,
            currency_code: c.currencyCode,
            basis: c.basis,
            tax_inclusive: c.taxInclusive,
            cancelled_at: c.cancelledAt,
          })),
        ),
      ],
    );
    if (!rows[0]) throw new Error(`cancellation ${ref.cancellationEventId} is not recorded`);
    return {
      linksRevokedAt: rows[0].links_revoked_at.toISOString(),
      creditPostedAt: rows[0].credit_posted_at.toISOString(),
    };
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
    await this.markOrdersPropagated([{ orderId, at: propagatedAt }], db);
  }

  /** Many orders in one statement; an order listed twice keeps its first instant. */
  async markOrdersPropagated(marks: readonly OrderMark[], db: Db = this.pool): Promise<void> {
    await this.markOrders('propagated_at', marks, db);
  }

  async markOrderOverdue(orderId: string, detectedAt: string, db: Db = this.pool): Promise<void> {
    await this.markOrdersOverdue([{ orderId, at: detectedAt }], db);
  }

  async markOrdersOverdue(marks: readonly OrderMark[], db: Db = this.pool): Promise<void> {
    await this.markOrders('overdue_at', marks, db);
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
    await this.cancelWindowWarningsOf([{ orderId, at }], db);
  }

  /** Many cancelled orders in one statement; an order listed twice keeps its first instant. */
  async cancelWindowWarningsOf(marks: readonly OrderMark[], db: Db = this.pool): Promise<void> {
    const first = firstPerKey(marks, (m) => m.orderId);
    if (first.length === 0) return;
    await db.query(
      `UPDATE cancellation_window_warnings w SET outcome = 'cancelled', done_at = u.at
         FROM unnest($1::text[], $2::timestamptz[]) AS u(order_id, at)
        WHERE w.order_id = u.order_id AND w.outcome IS NULL`,
      [first.map((m) => m.orderId), first.map((m) => m.at)],
    );
  }

  async windowWarningDone(
    w: Pick<WindowWarningRef, 'orderId' | 'windowEndsAt' | 'hoursBefore'>,
    outcome: WarningOutcome,
    at: Date,
    db: Db = this.pool,
  ): Promise<void> {
    await this.windowWarningsDone([{ ...w, at: at.toISOString() }], outcome, db);
  }

  /** Many reminders in one statement; a reminder listed twice keeps its first instant. */
  async windowWarningsDone(
    done: readonly (Pick<WindowWarningRef, 'orderId' | 'windowEndsAt' | 'hoursBefore'> & { at: string })[],
    outcome: WarningOutcome,
    db: Db = this.pool,
  ): Promise<void> {
    const first = firstPerKey(done, (d) => `${d.orderId}|${Date.parse(d.windowEndsAt)}|${d.hoursBefore}`);
    if (first.length === 0) return;
    await db.query(
      `UPDATE cancellation_window_warnings w SET outcome = $5, done_at = u.at
         FROM unnest($1::text[], $2::timestamptz[], $3::int[], $4::timestamptz[])
              AS u(order_id, window_ends_at, hours_before, at)
        WHERE w.order_id = u.order_id AND w.window_ends_at = u.window_ends_at AND w.hours_before = u.hours_before
          AND w.outcome IS NULL`,
      [
        first.map((d) => d.orderId),
        first.map((d) => d.windowEndsAt),
        first.map((d) => d.hoursBefore),
        first.map((d) => d.at),
        outcome,
      ],
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

  private async markOrders(column: 'propagated_at' | 'overdue_at', marks: readonly OrderMark[], db: Db): Promise<void> {
    const first = firstPerKey(marks, (m) => m.orderId);
    if (first.length === 0) return;
    await db.query(
      `UPDATE cancellation_propagations c SET ${column} = coalesce(c.${column}, u.at)
         FROM unnest($1::text[], $2::timestamptz[]) AS u(order_id, at)
        WHERE c.order_id = u.order_id`,
      [first.map((m) => m.orderId), first.map((m) => m.at)],
    );
  }
}

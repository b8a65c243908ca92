import { formatMoney, totalsAsMoney, type Money, type StatementLine, type StatementTotal } from '@csp/domain';
import type { Pool } from 'pg';
import type { CreditChangeKind } from './credit-ledger.projection';

/** A credit line as the finance feeds show it. */
export interface LedgerLine {
  id: string;
  customerId: string;
  orderId: string;
  lineItemNumber: number;
  offerId: string;
  friendlyName: string;
  kind: string;
  basis: string;
  credit: Money;
  taxInclusive: boolean;
  cancelledAt: string;
  /** The month the credit is invoiced in. */
  period: string;
  /** The month of the cancellation (differs from `period` when that month was closed first). */
  originalPeriod: string;
  status: 'pending' | 'posted';
  postedAt: string | null;
  /** The closed statement holding the line, if any. */
  statementPeriod: string | null;
}

export interface CreditChange {
  /** Resume after it: `GET /v1/credits/changes?after=<cursor>`. */
  cursor: string;
  change: CreditChangeKind;
  /** Global position of the event that made the change. */
  position: number;
  recordedAt: string;
  credit: LedgerLine;
}

export interface StatementSummary {
  period: string;
  closedAt: string;
  sha256: string;
  lineCount: number;
  totals: Money[];
  position: number;
}

/** `<position>.<seq>`: the change's place in the feed. */
export const changeCursor = (position: number, seq: number): string => `${position}.${seq}`;

export const parseChangeCursor = (text: string): { position: number; seq: number } | undefined => {
  const m = /^(\d{1,15})\.(\d{1,6})$/.exec(text);
  return m ? { position: Number(m[1]), seq: Number(m[2]) } : undefined;
};

type JsonLine = Omit<LedgerLine, 'credit'> & { creditMinor: number; currencyCode: string };

const iso = (v: string | Date | null): string | null => (v === null ? null : new Date(v).toISOString());

const toLine = (j: JsonLine): LedgerLine => ({
  id: j.id,
  customerId: j.customerId,
  orderId: j.orderId,
  lineItemNumber: j.lineItemNumber,
  offerId: j.offerId,
  friendlyName: j.friendlyName,
  kind: j.kind,
  basis: j.basis,
  credit: formatMoney(Number(j.creditMinor), j.currencyCode),
  taxInclusive: j.taxInclusive,
  cancelledAt: iso(j.cancelledAt)!,
  period: j.period,
  originalPeriod: j.originalPeriod,
  status: j.status,
  postedAt: iso(j.postedAt),
  statementPeriod: j.statementPeriod,
});

/** Queries of the credit ledger. */
export class CreditLedgerQuery {
  constructor(private readonly pool: Pool) {}

  /** The partner's changes after the cursor, oldest first (one more than `size` tells there is more). */
  async changes(
    partnerTenantId: string,
    after: { position: number; seq: number },
    size: number,
  ): Promise<{ items: CreditChange[]; more: boolean }> {
    const r = await this.pool.query<{
      position: string;
      seq: number;
      change: CreditChangeKind;
      recorded_at: Date;
      line: JsonLine;
    }>(
      `SELECT position, seq, change, recorded_at, line FROM rm_credit_changes
        WHERE partner_tenant_id = $1 AND (position, seq) > ($2, $3) ORDER BY position, seq LIMIT $4`,
      [partnerTenantId, after.position, after.seq, size + 1],
    );
    const items = r.rows.slice(0, size).map((row) => ({
      cursor: changeCursor(Number(row.position), row.seq),
      change: row.change,
      position: Number(row.position),
      recordedAt: row.recorded_at.toISOString(),
      credit: toLine(row.line),
    }));
    return { items, more: r.rows.length > size };
  }

  /** The period's posted lines: what a statement closed now holds. */
  async postedLines(partnerTenantId: string, period: string): Promise<StatementLine[]> {
    const r = await this.pool.query<{
      id: string;
      customer_id: string;
      order_id: string;
      line_item_number: number;
      offer_id: string;
      friendly_name: string;
      kind: string;
      basis: string;
      credit_minor: string;
      currency_code: string;
      tax_inclusive: boolean;
      cancelled_at: Date;
      posted_at: Date;
      original_period: string;
      period: string;
    }>(
      `SELECT * FROM rm_credit_ledger WHERE partner_tenant_id = $1 AND period = $2 AND status = 'posted' ORDER BY id`,
      [partnerTenantId, period],
    );
    return r.rows.map((row) => ({
      id: row.id,
      customerId: row.customer_id,
      orderId: row.order_id,
      lineItemNumber: row.line_item_number,
      offerId: row.offer_id,
      friendlyName: row.friendly_name,
      kind: row.kind,
      basis: row.basis,
      creditMinor: Number(row.credit_minor),
      currencyCode: row.currency_code,
      taxInclusive: row.tax_inclusive,
      cancelledAt: row.cancelled_at.toISOString(),
      postedAt: row.posted_at.toISOString(),
      originalPeriod: row.original_period === row.period ? null : row.original_period,
    }));
  }

  async statements(partnerTenantId: string): Promise<StatementSummary[]> {
    const r = await this.pool.query<{
      period: string;
      closed_at: Date;
      sha256: string;
      line_count: number;
      totals: StatementTotal[];
      position: string;
    }>(
      `SELECT period, closed_at, sha256, line_count, totals, position FROM rm_credit_statements
        WHERE partner_tenant_id = $1 ORDER BY period DESC`,
      [partnerTenantId],
    );
    return r.rows.map((row) => ({
      period: row.period,
      closedAt: row.closed_at.toISOString(),
      sha256: row.sha256,
      lineCount: row.line_count,
      totals: totalsAsMoney(row.totals),
      position: Number(row.position),
    }));
  }
}

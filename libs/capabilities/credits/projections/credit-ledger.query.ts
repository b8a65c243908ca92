import { formatMoney, totalsAsMoney, type Money, type StatementLine, type StatementTotal } from '@csp/domain';
import {
  decodeToken,
  encodeToken,
  iso,
  keyset,
  pageSize,
  toPage,
  tokenTimestamp,
  type Page,
  type PageRequest,
} from '@csp/event-sourcing';
import type { Pool } from 'pg';
import type { CreditChangeKind } from './credit-ledger.projection';
import { CREDIT_LINE_JSON } from './credit-ledger.schema';

export type CreditStatus = 'pending' | 'posted';

/** A credit line as every credits read shows it (GET /v1/credits, the change feed): API.md's credit line. */
export interface CreditLine {
  id: string;
  /** The month the credit is invoiced in: its cancellation's, or the next open one when that was closed. */
  period: string;
  /** The month of the cancellation (differs from `period` when that month was closed first). */
  originalPeriod: string;
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
  status: CreditStatus;
  postedAt: string | null;
  /** The closed statement holding the line, if any. */
  statementPeriod: string | null;
}

export interface CreditFilter {
  partnerTenantId: string;
  /** YYYY-MM: the month the credits are invoiced in. */
  period: string;
  customerId?: string;
}

export interface CreditChange {
  /** Resume after it: `GET /v1/credits/changes?after=<cursor>`. */
  cursor: string;
  change: CreditChangeKind;
  /** Global position of the event that made the change. */
  position: number;
  recordedAt: string;
  credit: CreditLine;
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

/** A line as CREDIT_LINE_JSON spells it (timestamps as PostgreSQL writes them in JSON). */
type JsonLine = Omit<CreditLine, 'credit'> & { creditMinor: number; currencyCode: string };

/** In the order the API shows the fields. */
const toLine = (j: JsonLine): CreditLine => ({
  id: j.id,
  period: j.period,
  originalPeriod: j.originalPeriod,
  customerId: j.customerId,
  orderId: j.orderId,
  lineItemNumber: j.lineItemNumber,
  offerId: j.offerId,
  friendlyName: j.friendlyName,
  kind: j.kind,
  basis: j.basis,
  credit: formatMoney(Number(j.creditMinor), j.currencyCode),
  taxInclusive: j.taxInclusive,
  cancelledAt: iso(j.cancelledAt),
  status: j.status,
  postedAt: j.postedAt === null ? null : iso(j.postedAt),
  statementPeriod: j.statementPeriod,
});

/** A posted line as a statement holds it: minor units, `originalPeriod` only when it came from a closed month. */
const toStatementLine = (j: JsonLine): StatementLine => {
  const { period, originalPeriod, status: _status, statementPeriod: _statement, ...line } = j;
  return {
    ...line,
    creditMinor: Number(j.creditMinor),
    cancelledAt: iso(j.cancelledAt),
    postedAt: iso(j.postedAt!),
    originalPeriod: originalPeriod === period ? null : originalPeriod,
  };
};

type LineRow = { id: string; cancelled_at: Date; line: JsonLine };
type ChangeRow = { position: string; seq: number; change: CreditChangeKind; recorded_at: Date; line: JsonLine };

/** A month's credit lines in cancellation order (the continuation token of GET /v1/credits). */
const BY_CANCELLATION = keyset(
  [
    ['cancelled_at', 'timestamptz'],
    ['id', 'text'],
  ],
  'asc',
);
const TOKEN_KIND = 'credits';
const lineKey = (r: LineRow): [string, string] => [iso(r.cancelled_at), r.id];

/** A partner's changes in feed order: the feed's cursor (position.seq) is the key. */
const IN_FEED_ORDER = keyset(
  [
    ['position', 'bigint'],
    ['seq', 'integer'],
  ],
  'asc',
);

function linesOf(filter: CreditFilter): { sql: string; params: unknown[] } {
  const params: unknown[] = [filter.partnerTenantId, filter.period];
  let sql = 'partner_tenant_id = $1 AND period = $2';
  if (filter.customerId !== undefined) {
    params.push(filter.customerId);
    sql += ` AND customer_id = $${params.length}`;
  }
  return { sql, params };
}

/** Queries of the credit ledger: every credits read. */
export class CreditLedgerQuery {
  constructor(private readonly pool: Pool) {}

  /** A partner's credits invoiced in the period, in cancellation order, with totals per currency (all pages). */
  async list(filter: CreditFilter, page: PageRequest = {}): Promise<Page<CreditLine> & { totals: Money[] }> {
    const size = pageSize(page.size);
    const after = page.continuationToken
      ? decodeToken<[string, string]>(TOKEN_KIND, page.continuationToken, ['string', 'string'])
      : null;
    const [rows, totals] = await Promise.all([
      this.lines(filter, after && [tokenTimestamp(after[0]), after[1]], size + 1),
      this.totals(filter),
    ]);
    const totalCount = totals.reduce((n, t) => n + t.count, 0);
    const lines = toPage(
      rows,
      size,
      totalCount,
      (r) => toLine(r.line),
      (r) => encodeToken(TOKEN_KIND, lineKey(r)),
    );
    return { ...lines, totals: totals.map((t) => t.total) };
  }

  /** Totals of every line of the filter, per currency, in currency-code order. */
  async totals(filter: CreditFilter): Promise<{ total: Money; count: number }[]> {
    const w = linesOf(filter);
    const result = await this.pool.query<{ currency_code: string; amount: string; n: number }>(
      `SELECT currency_code, sum(credit_minor)::text AS amount, count(*)::int AS n FROM rm_credit_ledger
        WHERE ${w.sql} GROUP BY currency_code ORDER BY currency_code`,
      w.params,
    );
    return result.rows.map((r) => ({ total: formatMoney(Number(r.amount), r.currency_code), count: r.n }));
  }

  /** Every line of the filter in cancellation order, read in chunks (CSV). */
  async *all(filter: CreditFilter, chunk = 1000): AsyncGenerator<CreditLine> {
    let after: [string, string] | null = null;
    for (;;) {
      const rows = await this.lines(filter, after, chunk);
      for (const row of rows) yield toLine(row.line);
      if (rows.length < chunk) return;
      after = lineKey(rows[rows.length - 1]);
    }
  }

  private async lines(filter: CreditFilter, after: [string, string] | null, limit: number): Promise<LineRow[]> {
    const { sql, params } = linesOf(filter);
    const page = after ? ` AND ${BY_CANCELLATION.after(after, params)}` : '';
    params.push(limit);
    const result = await this.pool.query<LineRow>(
      `SELECT l.id, l.cancelled_at, ${CREDIT_LINE_JSON} AS line FROM rm_credit_ledger l
        WHERE ${sql}${page} ORDER BY ${BY_CANCELLATION.orderBy} LIMIT $${params.length}`,
      params,
    );
    return result.rows;
  }

  /** The partner's changes after the cursor, oldest first (one more than `size` tells there is more). */
  async changes(
    partnerTenantId: string,
    after: { position: number; seq: number },
    size: number,
  ): Promise<{ items: CreditChange[]; more: boolean }> {
    const params: unknown[] = [partnerTenantId];
    const feed = IN_FEED_ORDER.after([after.position, after.seq], params);
    params.push(size + 1);
    const { rows } = await this.pool.query<ChangeRow>(
      `SELECT position, seq, change, recorded_at, line FROM rm_credit_changes
        WHERE partner_tenant_id = $1 AND ${feed} ORDER BY ${IN_FEED_ORDER.orderBy} LIMIT $${params.length}`,
      params,
    );
    const items = rows.slice(0, size).map((row) => ({
      cursor: changeCursor(Number(row.position), row.seq),
      change: row.change,
      position: Number(row.position),
      recordedAt: row.recorded_at.toISOString(),
      credit: toLine(row.line),
    }));
    return { items, more: rows.length > size };
  }

  /** The period's posted lines: what a statement closed now holds. */
  async postedLines(partnerTenantId: string, period: string): Promise<StatementLine[]> {
    const r = await this.pool.query<{ line: JsonLine }>(
      `SELECT ${CREDIT_LINE_JSON} AS line FROM rm_credit_ledger l
        WHERE partner_tenant_id = $1 AND period = $2 AND status = 'posted' ORDER BY id`,
      [partnerTenantId, period],
    );
    return r.rows.map((row) => toStatementLine(row.line));
  }

  /** The partner's closed months, newest first. */
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

import { formatMoney, type Money } from '@csp/domain';
import type { Pool } from 'pg';
import {
  decodeToken,
  encodeToken,
  iso,
  pageSize,
  toPage,
  tokenTimestamp,
  type Page,
  type PageRequest,
} from '@csp/event-sourcing';
import type { CreditStatus } from './credits.projection';

/** API.md's credit line. */
export interface CreditLine {
  id: string;
  period: string;
  customerId: string;
  orderId: string;
  lineItemNumber: number;
  offerId: string;
  friendlyName: string;
  kind: string;
  basis: 'full' | 'prorated';
  credit: Money;
  taxInclusive: boolean;
  cancelledAt: string;
  status: CreditStatus;
  postedAt: string | null;
}

export interface CreditFilter {
  partnerTenantId: string;
  /** YYYY-MM. */
  period: string;
  customerId?: string;
}

type CreditRow = {
  id: string;
  period: string;
  customer_id: string;
  order_id: string;
  line_item_number: number;
  offer_id: string;
  friendly_name: string;
  kind: string;
  basis: 'full' | 'prorated';
  credit_minor: string;
  currency_code: string;
  tax_inclusive: boolean;
  cancelled_at: Date;
  status: CreditStatus;
  posted_at: Date | null;
};

const COLUMNS = `id, period, customer_id, order_id, line_item_number, offer_id, friendly_name, kind, basis, credit_minor,
  currency_code, tax_inclusive, cancelled_at, status, posted_at`;
const TOKEN_KIND = 'credits';

const toLine = (r: CreditRow): CreditLine => ({
  id: r.id,
  period: r.period,
  customerId: r.customer_id,
  orderId: r.order_id,
  lineItemNumber: r.line_item_number,
  offerId: r.offer_id,
  friendlyName: r.friendly_name,
  kind: r.kind,
  basis: r.basis,
  credit: formatMoney(Number(r.credit_minor), r.currency_code),
  taxInclusive: r.tax_inclusive,
  cancelledAt: iso(r.cancelled_at),
  status: r.status,
  postedAt: r.posted_at ? iso(r.posted_at) : null,
});

function where(filter: CreditFilter): { sql: string; params: unknown[] } {
  const params: unknown[] = [filter.partnerTenantId, filter.period];
  let sql = 'partner_tenant_id = $1 AND period = $2';
  if (filter.customerId !== undefined) {
    params.push(filter.customerId);
    sql += ` AND customer_id = $${params.length}`;
  }
  return { sql, params };
}

/** Queries of the invoice credits: a partner's period in cancellation order, with totals per currency. */
export class CreditsQuery {
  constructor(private readonly pool: Pool) {}

  async list(filter: CreditFilter, page: PageRequest = {}): Promise<Page<CreditLine> & { totals: Money[] }> {
    const size = pageSize(page.size);
    const after = page.continuationToken
      ? decodeToken<[string, string]>(TOKEN_KIND, page.continuationToken, ['string', 'string'])
      : null;
    const w = where(filter);
    const [rows, totals] = await Promise.all([
      this.rows(w, after ? [tokenTimestamp(after[0]), after[1]] : null, size + 1),
      this.totals(filter),
    ]);
    const totalCount = totals.reduce((n, t) => n + t.count, 0);
    const page_ = toPage(rows, size, totalCount, toLine, (r) => encodeToken(TOKEN_KIND, [iso(r.cancelled_at), r.id]));
    return { ...page_, totals: totals.map((t) => t.total) };
  }

  /** Totals of every line of the filter (all pages), per currency, in currency-code order. */
  async totals(filter: CreditFilter): Promise<{ total: Money; count: number }[]> {
    const w = where(filter);
    const result = await this.pool.query<{ currency_code: string; amount: string; n: number }>(
      `SELECT currency_code, sum(credit_minor)::text AS amount, count(*)::int AS n FROM rm_credits WHERE ${w.sql}
        GROUP BY currency_code ORDER BY currency_code`,
      w.params,
    );
    return result.rows.map((r) => ({ total: formatMoney(Number(r.amount), r.currency_code), count: r.n }));
  }

  /** Every line of the filter in keyset chunks (for CSV export). */
  async *all(filter: CreditFilter, chunk = 1000): AsyncGenerator<CreditLine> {
    const w = where(filter);
    let after: [string, string] | null = null;
    for (;;) {
      const rows = await this.rows(w, after, chunk);
      for (const row of rows) yield toLine(row);
      if (rows.length < chunk) return;
      const last = rows[rows.length - 1];
      after = [iso(last.cancelled_at), last.id];
    }
  }

  private async rows(
    w: { sql: string; params: unknown[] },
    after: [string, string] | null,
    limit: number,
  ): Promise<CreditRow[]> {
    const params = [...w.params];
    let keyset = '';
    if (after) {
      params.push(after[0], after[1]);
      keyset = ` AND (cancelled_at, id) > ($${params.length - 1}::timestamptz, $${params.length}::text)`;
    }
    params.push(limit);
    const result = await this.pool.query<CreditRow>(
      `SELECT ${COLUMNS} FROM rm_credits WHERE ${w.sql}${keyset} ORDER BY cancelled_at, id LIMIT $${params.length}`,
      params,
    );
    return result.rows;
  }
}

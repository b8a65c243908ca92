import type { Pool } from 'pg';
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
import type { AuditOperationType, CustomizedData } from './audit-operations';

/** API.md's audit record. */
export interface AuditRecord {
  id: string;
  partnerId: string;
  customerId: string;
  customerName: string;
  userPrincipalName: string;
  operationType: AuditOperationType;
  operationDate: string;
  operationStatus: string;
  customizedData: CustomizedData;
}

export interface AuditRecordFilter {
  /** The caller's partner tenant: a partner sees only its own customers' records. */
  partnerId: string;
  /** Inclusive. */
  from: Date;
  /** Exclusive. */
  to: Date;
  customerId?: string;
  operationType?: AuditOperationType;
}

type AuditRow = {
  id: string;
  partner_id: string;
  customer_id: string;
  customer_name: string;
  user_principal_name: string;
  operation_type: AuditOperationType;
  operation_date: Date;
  operation_status: string;
  customized_data: CustomizedData;
  position: string;
};

const COLUMNS = `id, partner_id, customer_id, customer_name, user_principal_name, operation_type, operation_date,
  operation_status, customized_data, position`;
const TOKEN_KIND = 'auditrecords';
/** Newest first; the position tells apart records of the same instant. */
const NEWEST_FIRST = keyset(
  [
    ['operation_date', 'timestamptz'],
    ['position', 'bigint'],
  ],
  'desc',
);
const DAY_MS = 86_400_000;
const dayOf = (d: Date): string => d.toISOString().slice(0, 10);

const toRecord = (r: AuditRow): AuditRecord => ({
  id: r.id,
  partnerId: r.partner_id,
  customerId: r.customer_id,
  customerName: r.customer_name,
  userPrincipalName: r.user_principal_name,
  operationType: r.operation_type,
  operationDate: iso(r.operation_date),
  operationStatus: r.operation_status,
  customizedData: r.customized_data,
});

/** WHERE clause and parameters of a filter (only the conditions given, so the planner sees plain predicates). */
function where(filter: AuditRecordFilter): { sql: string; params: unknown[] } {
  const params: unknown[] = [filter.partnerId, filter.from.toISOString(), filter.to.toISOString()];
  let sql = 'partner_id = $1 AND operation_date >= $2::timestamptz AND operation_date < $3::timestamptz';
  if (filter.customerId !== undefined) {
    params.push(filter.customerId);
    sql += ` AND customer_id = $${params.length}`;
  }
  if (filter.operationType !== undefined) {
    params.push(filter.operationType);
    sql += ` AND operation_type = $${params.length}`;
  }
  return { sql, params };
}

/** Queries of the activity log: newest first, keyset-paged on (operation_date, position). */
export class AuditRecordsQuery {
  constructor(private readonly pool: Pool) {}

  async list(filter: AuditRecordFilter, page: PageRequest = {}): Promise<Page<AuditRecord>> {
    const size = pageSize(page.size);
    const after = page.continuationToken
      ? decodeToken<[string, number]>(TOKEN_KIND, page.continuationToken, ['string', 'number'])
      : null;
    const w = where(filter);
    const [rows, count] = await Promise.all([
      this.rows(w, after ? [tokenTimestamp(after[0]), after[1]] : null, size + 1),
      this.count(filter, w),
    ]);
    return toPage(rows, size, count, toRecord, (r) =>
      encodeToken(TOKEN_KIND, [iso(r.operation_date), Number(r.position)]),
    );
  }

  /**
   * Matching records across all pages. A range of whole UTC days without a customer sums the per-day counts
   * (at most 5 rows a day); a customer's records are few and counted from its index.
   */
  private async count(filter: AuditRecordFilter, w: { sql: string; params: unknown[] }): Promise<number> {
    const wholeDays = filter.from.getTime() % DAY_MS === 0 && filter.to.getTime() % DAY_MS === 0;
    if (filter.customerId !== undefined || !wholeDays) {
      const result = await this.pool.query<{ n: string }>(
        `SELECT count(*) AS n FROM rm_audit_records WHERE ${w.sql}`,
        w.params,
      );
      return Number(result.rows[0].n);
    }
    const result = await this.pool.query<{ n: string | null }>(
      `SELECT sum(n) AS n FROM rm_audit_record_counts
        WHERE partner_id = $1 AND day >= $2::date AND day < $3::date AND ($4::text IS NULL OR operation_type = $4)`,
      [filter.partnerId, dayOf(filter.from), dayOf(filter.to), filter.operationType ?? null],
    );
    return Number(result.rows[0].n ?? 0);
  }

  /** Every record of the filter, newest first, read in keyset chunks (for CSV export). */
  async *all(filter: AuditRecordFilter, chunk = 1000): AsyncGenerator<AuditRecord> {
    const w = where(filter);
    let after: [string, number] | null = null;
    for (;;) {
      const rows = await this.rows(w, after, chunk);
      for (const row of rows) yield toRecord(row);
      if (rows.length < chunk) return;
      const last = rows[rows.length - 1];
      after = [iso(last.operation_date), Number(last.position)];
    }
  }

  private async rows(
    w: { sql: string; params: unknown[] },
    after: [string, number] | null,
    limit: number,
  ): Promise<AuditRow[]> {
    const params = [...w.params];
    const page = after ? ` AND ${NEWEST_FIRST.after(after, params)}` : '';
    params.push(limit);
    const result = await this.pool.query<AuditRow>(
      `SELECT ${COLUMNS} FROM rm_audit_records WHERE ${w.sql}${page}
        ORDER BY ${NEWEST_FIRST.orderBy} LIMIT $${params.length}`,
      params,
    );
    return result.rows;
  }
}

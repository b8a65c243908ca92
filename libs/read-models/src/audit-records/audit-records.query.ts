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
} from '../shared/paging';
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
      this.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM rm_audit_records WHERE ${w.sql}`, w.params),
    ]);
    return toPage(rows, size, count.rows[0].n, toRecord, (r) =>
      encodeToken(TOKEN_KIND, [iso(r.operation_date), Number(r.position)]),
    );
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
    let keyset = '';
    if (after) {
      params.push(after[0], after[1]);
      keyset = ` AND (operation_date, position) < ($${params.length - 1}::timestamptz, $${params.length}::bigint)`;
    }
    params.push(limit);
    const result = await this.pool.query<AuditRow>(
      `SELECT ${COLUMNS} FROM rm_audit_records WHERE ${w.sql}${keyset}
        ORDER BY operation_date DESC, position DESC LIMIT $${params.length}`,
      params,
    );
    return result.rows;
  }
}

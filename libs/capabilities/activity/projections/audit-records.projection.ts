import type { CustomerRegistered } from '@csp/domain';
import { columns, jsonColumn, migrateDdl, rowsProjection } from '@csp/event-sourcing';
import type { PoolClient } from 'pg';
import { auditEntryOf, type AuditedEvent, type CustomizedData } from './audit-operations';
import { AUDIT_RECORDS_DDL, AUDIT_RECORDS_QUERY_INDEXES } from './audit-records.schema';

const NAMES_UPSERT = `INSERT INTO rm_audit_customer_names AS n (customer_id, partner_id, company_name, position)
  SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[])
  ON CONFLICT (customer_id) DO UPDATE SET partner_id = EXCLUDED.partner_id, company_name = EXCLUDED.company_name,
    position = EXCLUDED.position
  WHERE n.position < EXCLUDED.position`;
type NameRow = { kind: 'name'; customerId: string; partnerId: string; companyName: string; position: number };
const NAME_COLUMNS = ['customerId', 'partnerId', 'companyName', 'position'] as const;

// Records are immutable facts keyed by event id: a redelivered event finds its row and changes nothing (no
// conflict target: a replay loads the table before its key exists, see AUDIT_RECORDS_QUERY_INDEXES), and
// only the rows this statement really inserted are added to the per-day counts, so those stay exact too.
// A record's customer name is the one of the latest registration before it: this batch's ($9, $10) unless the
// names table has a later one (as applied one by one); the statement runs before this batch's names are stored.
const RECORDS_INSERT = `WITH inserted AS (
    INSERT INTO rm_audit_records (id, partner_id, customer_id, customer_name, user_principal_name,
      operation_type, operation_date, operation_status, customized_data, position)
    SELECT x.id, x.partner_id, x.customer_id,
           CASE WHEN x.name_position > COALESCE(n.position, 0) THEN x.customer_name
                ELSE COALESCE(n.company_name, '') END,
           x.user_principal_name, x.operation_type, x.operation_date, x.operation_status,
           $11::jsonb -> (x.i::int - 1), x.position
      FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[], $7::text[],
                  $8::bigint[], $9::text[], $10::bigint[]) WITH ORDINALITY
        AS x(id, partner_id, customer_id, user_principal_name, operation_type, operation_date, operation_status,
             position, customer_name, name_position, i)
      -- LIMIT keeps this a primary-key probe per row: as a plain join it was planned as a hash of the whole table.
      LEFT JOIN LATERAL (SELECT company_name, position FROM rm_audit_customer_names n
                          WHERE n.customer_id = x.customer_id LIMIT 1) n ON true
    ON CONFLICT DO NOTHING
    RETURNING partner_id, operation_date, operation_type)
  INSERT INTO rm_audit_record_counts AS c (partner_id, day, operation_type, n)
  SELECT partner_id, (operation_date AT TIME ZONE 'UTC')::date, operation_type, count(*) FROM inserted GROUP BY 1, 2, 3
  ON CONFLICT (partner_id, day, operation_type) DO UPDATE SET n = c.n + EXCLUDED.n`;
type RecordRow = {
  kind: 'record';
  id: string;
  partnerId: string;
  customerId: string;
  userPrincipalName: string;
  operationType: string;
  operationDate: string;
  operationStatus: string;
  customizedData: CustomizedData;
  position: number;
  /** The customer's latest registration earlier in the batch, if any (set when the batch is written). */
  customerName?: string;
  namePosition?: number;
};
const RECORD_COLUMNS = [
  'id',
  'partnerId',
  'customerId',
  'userPrincipalName',
  'operationType',
  'operationDate',
  'operationStatus',
  'position',
  'customerName',
  'namePosition',
] as const;

/** A batch's rows in event order: the records, each with the name registered before it in the batch, then the names. */
async function write(client: PoolClient, rows: readonly (NameRow | RecordRow)[]): Promise<void> {
  const names = new Map<string, NameRow>();
  const records: RecordRow[] = [];
  for (const row of rows) {
    if (row.kind === 'name') {
      names.set(row.customerId, row);
      continue;
    }
    // Set on the row itself: one object shape for every record keeps columns() fast (replay profile).
    const name = names.get(row.customerId);
    if (name) {
      row.customerName = name.companyName;
      row.namePosition = name.position;
    }
    records.push(row);
  }
  if (records.length > 0) {
    await client.query(RECORDS_INSERT, [...columns(records, RECORD_COLUMNS), jsonColumn(records, 'customizedData')]);
  }
  if (names.size > 0) await client.query(NAMES_UPSERT, columns([...names.values()], NAME_COLUMNS));
}

/**
 * The activity log (GET /v1/auditrecords): one row per audited event (see AUDIT_MAPPINGS), with the
 * customer's name from its CustomerRegistered, kept in a small table of this projection's own.
 * Rows, not documents: each record is a fact of its own. Per batch: at most one insert of records and one
 * upsert of names.
 */
export const auditRecordsProjection = rowsProjection<CustomerRegistered | AuditedEvent, NameRow | RecordRow>({
  name: 'audit-records',
  version: 1,
  eventTypes: {
    CustomerRegistered: true,
    KeyRevealed: true,
    DownloadLinkIssued: true,
    SoftwareDownloaded: true,
    OrderPlaced: true,
    OrderCancelled: true,
  },
  migrate: (client, options) => migrateDdl(client, AUDIT_RECORDS_DDL, AUDIT_RECORDS_QUERY_INDEXES, options),
  rows(event) {
    if (event.type === 'CustomerRegistered') {
      const d = event.data;
      return [
        {
          kind: 'name',
          customerId: d.customerId,
          partnerId: d.partnerTenantId,
          companyName: d.companyName,
          position: event.globalPosition,
        },
      ];
    }
    const entry = auditEntryOf(event);
    return [
      {
        kind: 'record',
        id: event.eventId,
        partnerId: entry.partnerId,
        customerId: entry.customerId,
        userPrincipalName: entry.userPrincipalName,
        operationType: entry.operationType,
        operationDate: entry.operationDate || event.recordedAt.toISOString(),
        operationStatus: entry.operationStatus,
        customizedData: entry.customizedData,
        position: event.globalPosition,
        customerName: undefined,
        namePosition: undefined,
      },
    ];
  },
  write,
});

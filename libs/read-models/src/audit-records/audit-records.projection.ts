import type { CustomerRegistered } from '@csp/domain';
import type { RecordedEvent } from '@csp/event-store';
import type { PoolClient } from 'pg';
import type { Projection } from '../projection';
import { auditEntryOf, AUDITED_EVENT_TYPES } from './audit-operations';
import { AUDIT_RECORDS_DDL } from './audit-records.schema';

const NAMES_UPSERT = `INSERT INTO rm_audit_customer_names AS n (customer_id, partner_id, company_name, position)
  SELECT customer_id, partner_id, company_name, position
    FROM jsonb_to_recordset($1::jsonb) AS x(customer_id text, partner_id text, company_name text, position bigint)
  ON CONFLICT (customer_id) DO UPDATE SET partner_id = EXCLUDED.partner_id, company_name = EXCLUDED.company_name,
    position = EXCLUDED.position
  WHERE n.position < EXCLUDED.position`;

// Records are immutable facts keyed by event id: a redelivered event finds its row and changes nothing, and
// only the rows this statement really inserted are added to the per-day counts, so those stay exact too.
const RECORDS_INSERT = `WITH inserted AS (
    INSERT INTO rm_audit_records (id, partner_id, customer_id, customer_name, user_principal_name,
      operation_type, operation_date, operation_status, customized_data, position)
    SELECT x.id, x.partner_id, x.customer_id, COALESCE(n.company_name, ''), x.user_principal_name,
           x.operation_type, x.operation_date, x.operation_status, x.customized_data, x.position
      FROM jsonb_to_recordset($1::jsonb) AS x(id text, partner_id text, customer_id text, user_principal_name text,
        operation_type text, operation_date timestamptz, operation_status text, customized_data jsonb, position bigint)
      LEFT JOIN rm_audit_customer_names n ON n.customer_id = x.customer_id
    ON CONFLICT (id) DO NOTHING
    RETURNING partner_id, operation_date, operation_type)
  INSERT INTO rm_audit_record_counts AS c (partner_id, day, operation_type, n)
  SELECT partner_id, (operation_date AT TIME ZONE 'UTC')::date, operation_type, count(*) FROM inserted GROUP BY 1, 2, 3
  ON CONFLICT (partner_id, day, operation_type) DO UPDATE SET n = c.n + EXCLUDED.n`;

/**
 * The activity log (GET /v1/auditrecords): one row per audited event (see AUDIT_MAPPINGS), with the
 * customer's name from its CustomerRegistered, kept in a small table of this projection's own.
 * Per batch: at most one upsert of names and one insert of records.
 */
export const auditRecordsProjection: Projection = {
  name: 'audit-records',
  version: 1,
  eventTypes: ['CustomerRegistered', ...AUDITED_EVENT_TYPES],
  async migrate(client: PoolClient): Promise<void> {
    for (const ddl of AUDIT_RECORDS_DDL) await client.query(ddl);
  },
  async apply(client: PoolClient, events: RecordedEvent[]): Promise<void> {
    const names = new Map<string, Record<string, unknown>>();
    const records: Record<string, unknown>[] = [];
    for (const event of events) {
      if (event.type === 'CustomerRegistered') {
        const d = (event as RecordedEvent<CustomerRegistered>).data;
        names.set(d.customerId, {
          customer_id: d.customerId,
          partner_id: d.partnerTenantId,
          company_name: d.companyName,
          position: event.globalPosition,
        });
        continue;
      }
      const entry = auditEntryOf(event);
      if (!entry) continue;
      records.push({
        id: event.eventId,
        partner_id: entry.partnerId,
        customer_id: entry.customerId,
        user_principal_name: entry.userPrincipalName,
        operation_type: entry.operationType,
        operation_date: entry.operationDate || event.recordedAt.toISOString(),
        operation_status: entry.operationStatus,
        customized_data: entry.customizedData,
        position: event.globalPosition,
      });
    }
    // Names first: a customer registered earlier in this very batch is then found by the insert's join.
    if (names.size > 0) await client.query(NAMES_UPSERT, [JSON.stringify([...names.values()])]);
    if (records.length > 0) await client.query(RECORDS_INSERT, [JSON.stringify(records)]);
  },
};

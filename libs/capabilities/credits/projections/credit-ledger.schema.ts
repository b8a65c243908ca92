/**
 * Tables of the credit ledger, one per fact: the credit lines (each with the month it is invoiced in), the log of
 * their changes (the change feed) and the closed months.
 */
export const CREDIT_LEDGER_DDL = [
  `CREATE TABLE IF NOT EXISTS rm_credit_ledger (
     -- <orderId>_<lineItemNumber>: a line item is cancelled once.
     id text PRIMARY KEY,
     partner_tenant_id text NOT NULL,
     customer_id text NOT NULL,
     order_id text NOT NULL,
     line_item_number integer NOT NULL,
     offer_id text NOT NULL,
     friendly_name text NOT NULL,
     kind text NOT NULL,
     basis text NOT NULL,
     credit_minor bigint NOT NULL,
     currency_code text NOT NULL,
     tax_inclusive boolean NOT NULL,
     cancelled_at timestamptz NOT NULL,
     -- The month of the cancellation, and the month the credit is invoiced in (a later one when that was closed).
     original_period text NOT NULL,
     period text NOT NULL,
     status text NOT NULL,
     posted_at timestamptz,
     -- The closed statement that holds the line, if any.
     statement_period text,
     -- Global position of the last event that changed the line.
     position bigint NOT NULL
   )`,
  // CancellationPropagated posts an order's pending lines.
  `CREATE INDEX IF NOT EXISTS rm_credit_ledger_order ON rm_credit_ledger (order_id)`,
  // StatementClosed moves a partner's month; GET /v1/credits reads one in cancellation order (keyset).
  `CREATE INDEX IF NOT EXISTS rm_credit_ledger_period_lines
     ON rm_credit_ledger (partner_tenant_id, period, cancelled_at, id)`,
  // Replaced by rm_credit_ledger_period_lines (databases from before it).
  `DROP INDEX IF EXISTS rm_credit_ledger_partner_period`,
  // One row per change of a credit line, the line as it is after the change: the feed finance resumes from.
  `CREATE TABLE IF NOT EXISTS rm_credit_changes (
     -- The cursor (position.seq): the event's global position and the change's place among that event's.
     position bigint NOT NULL, seq integer NOT NULL,
     partner_tenant_id text NOT NULL,
     credit_id text NOT NULL,
     change text NOT NULL,
     recorded_at timestamptz NOT NULL,
     line jsonb NOT NULL,
     PRIMARY KEY (position, seq)
   )`,
  `CREATE TABLE IF NOT EXISTS rm_credit_statements (
     partner_tenant_id text NOT NULL, period text NOT NULL,
     closed_at timestamptz NOT NULL,
     sha256 text NOT NULL,
     -- Per currency: [{ currencyCode, amountMinor, count }].
     totals jsonb NOT NULL,
     line_count integer NOT NULL,
     position bigint NOT NULL,
     PRIMARY KEY (partner_tenant_id, period)
   )`,
  // The credits projection before the ledger fed every credits read: its table and checkpoint go, once. (A
  // replay's build schema has no such table, so this touches only the live one.)
  `DO $$ BEGIN
     IF to_regclass('rm_credits') IS NOT NULL THEN
       DROP TABLE rm_credits;
       DELETE FROM read_model_checkpoints WHERE projection = 'credits';
     END IF;
   END $$`,
];

/** Indexes only the queries use (see MigrateOptions). */
export const CREDIT_LEDGER_QUERY_INDEXES = [
  // The change feed: a partner's changes in cursor order.
  `CREATE INDEX IF NOT EXISTS rm_credit_changes_partner ON rm_credit_changes (partner_tenant_id, position, seq)`,
];

/** The row `l` of rm_credit_ledger as JSON: what the change feed stores and every credits read maps back. */
export const CREDIT_LINE_JSON = `jsonb_build_object('id', l.id, 'customerId', l.customer_id, 'orderId', l.order_id,
  'lineItemNumber', l.line_item_number, 'offerId', l.offer_id, 'friendlyName', l.friendly_name, 'kind', l.kind,
  'basis', l.basis, 'creditMinor', l.credit_minor, 'currencyCode', l.currency_code, 'taxInclusive', l.tax_inclusive,
  'cancelledAt', l.cancelled_at, 'originalPeriod', l.original_period, 'period', l.period, 'status', l.status,
  'postedAt', l.posted_at, 'statementPeriod', l.statement_period)`;

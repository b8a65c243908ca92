/** Tables of the credit ledger: every credit line with its effective period, its change log and closed months. */
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
     position bigint NOT NULL
   )`,
  `CREATE INDEX IF NOT EXISTS rm_credit_ledger_order ON rm_credit_ledger (order_id)`,
  `CREATE INDEX IF NOT EXISTS rm_credit_ledger_partner_period ON rm_credit_ledger (partner_tenant_id, period, id)`,
  // One row per change of a credit line: the feed finance resumes from (cursor = position.seq).
  `CREATE TABLE IF NOT EXISTS rm_credit_changes (
     position bigint NOT NULL,
     seq integer NOT NULL,
     partner_tenant_id text NOT NULL,
     credit_id text NOT NULL,
     change text NOT NULL,
     recorded_at timestamptz NOT NULL,
     line jsonb NOT NULL,
     PRIMARY KEY (position, seq)
   )`,
  `CREATE INDEX IF NOT EXISTS rm_credit_changes_partner ON rm_credit_changes (partner_tenant_id, position, seq)`,
  `CREATE TABLE IF NOT EXISTS rm_credit_statements (
     partner_tenant_id text NOT NULL,
     period text NOT NULL,
     closed_at timestamptz NOT NULL,
     sha256 text NOT NULL,
     totals jsonb NOT NULL,
     line_count integer NOT NULL,
     position bigint NOT NULL,
     PRIMARY KEY (partner_tenant_id, period)
   )`,
];

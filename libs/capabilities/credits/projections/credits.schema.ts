export const CREDITS_TABLE = 'rm_credits';

export const CREDITS_DDL = [
  `CREATE TABLE IF NOT EXISTS rm_credits (
     -- One line per cancelled line item: <orderId>_<lineItemNumber> (a line item is cancelled once).
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
     -- Billing period (calendar month, UTC) of the cancellation: YYYY-MM.
     period text NOT NULL,
     cancelled_at timestamptz NOT NULL,
     status text NOT NULL,
     posted_at timestamptz,
     -- Global position of the last event applied to this row: redeliveries at or below it are skipped.
     position bigint NOT NULL
   )`,
  // CancellationPropagated posts an order's pending lines.
  `CREATE INDEX IF NOT EXISTS rm_credits_order ON rm_credits (order_id)`,
];

/** Indexes only the queries use (see MigrateOptions). */
export const CREDITS_QUERY_INDEXES = [
  // Finance reads one partner's period, in cancellation order.
  `CREATE INDEX IF NOT EXISTS rm_credits_partner_period ON rm_credits (partner_tenant_id, period, cancelled_at, id)`,
];

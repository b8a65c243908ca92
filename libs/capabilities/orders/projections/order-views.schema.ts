export const ORDER_VIEWS_TABLE = 'rm_order_views';

export const ORDER_VIEWS_DDL = [
  `CREATE TABLE IF NOT EXISTS rm_order_views (
     id text PRIMARY KEY,
     customer_id text NOT NULL,
     partner_tenant_id text NOT NULL,
     creation_date timestamptz NOT NULL,
     status text NOT NULL,
     document jsonb NOT NULL,
     -- Global position of the last event folded in: older or equal redeliveries are skipped.
     position bigint NOT NULL
   )`,
];

/** Indexes only the queries use (see MigrateOptions). */
export const ORDER_VIEWS_QUERY_INDEXES = [
  `CREATE INDEX IF NOT EXISTS rm_order_views_customer_date ON rm_order_views (customer_id, creation_date, id)`,
];

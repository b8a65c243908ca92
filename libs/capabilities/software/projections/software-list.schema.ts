export const SOFTWARE_LIST_TABLE = 'rm_software';

export const SOFTWARE_LIST_DDL = [
  `CREATE TABLE IF NOT EXISTS rm_software (
     id text PRIMARY KEY,
     customer_id text NOT NULL,
     partner_tenant_id text NOT NULL,
     order_id text NOT NULL,
     line_item_number integer NOT NULL,
     offer_id text NOT NULL,
     friendly_name text NOT NULL,
     kind text NOT NULL,
     purchase_date timestamptz NOT NULL,
     status text NOT NULL,
     key_available boolean NOT NULL,
     versions jsonb NOT NULL,
     languages jsonb NOT NULL,
     bitness jsonb NOT NULL,
     -- Global position of the last event applied to this row: redeliveries at or below it are skipped.
     position bigint NOT NULL
   )`,
  // The projection reads an order's rows.
  `CREATE INDEX IF NOT EXISTS rm_software_order ON rm_software (order_id)`,
];

/** Indexes only the queries use (see MigrateOptions). */
export const SOFTWARE_LIST_QUERY_INDEXES = [
  `CREATE INDEX IF NOT EXISTS rm_software_customer_date ON rm_software (customer_id, purchase_date, order_id, line_item_number)`,
];

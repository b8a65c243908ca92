export const CUSTOMERS_TABLE = 'rm_customers';

export const CUSTOMERS_DDL = [
  `CREATE TABLE IF NOT EXISTS rm_customers (
     id text PRIMARY KEY,
     partner_tenant_id text NOT NULL,
     company_name text NOT NULL,
     domain text NOT NULL,
     country text NOT NULL,
     currency_code text NOT NULL,
     tax_inclusive_pricing boolean NOT NULL,
     registered_at timestamptz NOT NULL,
     position bigint NOT NULL
   )`,
];

/** Indexes only the queries use (see MigrateOptions). */
export const CUSTOMERS_QUERY_INDEXES = [
  // Listing a partner's customers pages by position (registration order).
  `CREATE INDEX IF NOT EXISTS rm_customers_partner_position ON rm_customers (partner_tenant_id, position)`,
];

import type { CustomerRegistered } from '@csp/domain';
import { arrayLiteral, columns, documentProjection, migrateDdl, type StoredDocument } from '@csp/event-sourcing';
import type { PoolClient } from 'pg';
import { CUSTOMERS_DDL, CUSTOMERS_QUERY_INDEXES } from './customers.schema';

// One statement per batch; a redelivered event (same or older position) changes nothing.
const UPSERT = `INSERT INTO rm_customers AS c
    (id, partner_tenant_id, company_name, domain, country, currency_code, tax_inclusive_pricing, registered_at, position)
  SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::boolean[],
                       $8::timestamptz[], $9::bigint[])
  ON CONFLICT (id) DO UPDATE SET
    partner_tenant_id = EXCLUDED.partner_tenant_id, company_name = EXCLUDED.company_name, domain = EXCLUDED.domain,
    country = EXCLUDED.country, currency_code = EXCLUDED.currency_code, tax_inclusive_pricing = EXCLUDED.tax_inclusive_pricing,
    registered_at = EXCLUDED.registered_at, position = EXCLUDED.position
  WHERE c.position < EXCLUDED.position`;

/** A customer as its registration states it. */
type Customer = CustomerRegistered['data'];
const COLUMNS = [
  'customerId',
  'partnerTenantId',
  'companyName',
  'domain',
  'country',
  'currencyCode',
  'taxInclusivePricing',
  'registeredAt',
] as const;

async function write(client: PoolClient, customers: readonly StoredDocument<Customer>[]): Promise<void> {
  const positions = arrayLiteral(customers.map((c) => c.position));
  await client.query(UPSERT, [
    ...columns(
      customers.map((c) => c.document),
      COLUMNS,
    ),
    positions,
  ]);
}

/**
 * Customers per partner, from CustomerRegistered. Each registration states the whole document, so nothing is
 * loaded: the last registration of a batch is written, and the row keeps a later one already stored.
 */
export const customersProjection = documentProjection<CustomerRegistered, Customer>({
  name: 'customers',
  version: 1,
  eventTypes: { CustomerRegistered: true },
  migrate: (client, options) => migrateDdl(client, CUSTOMERS_DDL, CUSTOMERS_QUERY_INDEXES, options),
  key: (event) => event.data.customerId,
  evolve: (_customer, event) => event.data,
  write,
});

import type { CustomerRegistered } from '@csp/domain';
import type { RecordedEvent } from '@csp/event-store';
import type { PoolClient } from 'pg';
import type { MigrateOptions, Projection } from '@csp/event-sourcing';
import { columns, migrateDdl } from '@csp/event-sourcing';
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
type Row = {
  id: string;
  partnerTenantId: string;
  companyName: string;
  domain: string;
  country: string;
  currencyCode: string;
  taxInclusivePricing: boolean;
  registeredAt: string;
  position: number;
};
const COLUMNS = [
  'id',
  'partnerTenantId',
  'companyName',
  'domain',
  'country',
  'currencyCode',
  'taxInclusivePricing',
  'registeredAt',
  'position',
] as const;

/** Customers per partner, from CustomerRegistered. */
export const customersProjection: Projection = {
  name: 'customers',
  version: 1,
  eventTypes: ['CustomerRegistered'],
  migrate: (client: PoolClient, options?: MigrateOptions) =>
    migrateDdl(client, CUSTOMERS_DDL, CUSTOMERS_QUERY_INDEXES, options),
  async apply(client: PoolClient, events: RecordedEvent[]): Promise<void> {
    // Last event per customer wins within the batch (ON CONFLICT cannot touch a row twice).
    const rows = new Map<string, Row>();
    for (const event of events) {
      if (event.type !== 'CustomerRegistered') continue;
      const d = (event as RecordedEvent<CustomerRegistered>).data;
      rows.set(d.customerId, {
        id: d.customerId,
        partnerTenantId: d.partnerTenantId,
        companyName: d.companyName,
        domain: d.domain,
        country: d.country,
        currencyCode: d.currencyCode,
        taxInclusivePricing: d.taxInclusivePricing,
        registeredAt: d.registeredAt,
        position: event.globalPosition,
      });
    }
    if (rows.size > 0) await client.query(UPSERT, columns([...rows.values()], COLUMNS));
  },
};

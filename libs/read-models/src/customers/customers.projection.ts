import type { CustomerRegistered } from '@csp/domain';
import type { RecordedEvent } from '@csp/event-store';
import type { PoolClient } from 'pg';
import type { Projection } from '../projection';
import { CUSTOMERS_DDL } from './customers.schema';

// One statement per batch; a redelivered event (same or older position) changes nothing.
const UPSERT = `INSERT INTO rm_customers AS c
    (id, partner_tenant_id, company_name, domain, country, currency_code, tax_inclusive_pricing, registered_at, position)
  SELECT id, partner_tenant_id, company_name, domain, country, currency_code, tax_inclusive_pricing, registered_at, position
    FROM jsonb_to_recordset($1::jsonb) AS x(id text, partner_tenant_id text, company_name text, domain text, country text,
      currency_code text, tax_inclusive_pricing boolean, registered_at timestamptz, position bigint)
  ON CONFLICT (id) DO UPDATE SET
    partner_tenant_id = EXCLUDED.partner_tenant_id, company_name = EXCLUDED.company_name, domain = EXCLUDED.domain,
    country = EXCLUDED.country, currency_code = EXCLUDED.currency_code, tax_inclusive_pricing = EXCLUDED.tax_inclusive_pricing,
    registered_at = EXCLUDED.registered_at, position = EXCLUDED.position
  WHERE c.position < EXCLUDED.position`;

/** Customers per partner, from CustomerRegistered. */
export const customersProjection: Projection = {
  name: 'customers',
  version: 1,
  eventTypes: ['CustomerRegistered'],
  async migrate(client: PoolClient): Promise<void> {
    for (const ddl of CUSTOMERS_DDL) await client.query(ddl);
  },
  async apply(client: PoolClient, events: RecordedEvent[]): Promise<void> {
    // Last event per customer wins within the batch (ON CONFLICT cannot touch a row twice).
    const rows = new Map<string, Record<string, unknown>>();
    for (const event of events) {
      if (event.type !== 'CustomerRegistered') continue;
      const d = (event as RecordedEvent<CustomerRegistered>).data;
      rows.set(d.customerId, {
        id: d.customerId,
        partner_tenant_id: d.partnerTenantId,
        company_name: d.companyName,
        domain: d.domain,
        country: d.country,
        currency_code: d.currencyCode,
        tax_inclusive_pricing: d.taxInclusivePricing,
        registered_at: d.registeredAt,
        position: event.globalPosition,
      });
    }
    if (rows.size > 0) await client.query(UPSERT, [JSON.stringify([...rows.values()])]);
  },
};

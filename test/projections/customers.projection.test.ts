import type { CustomerRegistered } from '@csp/domain';
import { projectionSpec } from '@csp/event-sourcing/testing/projection-spec';
import type { RecordedEvent } from '@csp/event-store';
import { customersProjection } from '../../apps/worker/src/projections';
import { CustomersQuery } from '@csp/capabilities/customers';
import { createTestDatabase } from '../support/database';
import { PARTNER_A, PARTNER_B, T0, at, recorded, registerCustomer } from './projections.fixtures';

const id = (n: number): string => `c0000000-0000-4000-8000-${n.toString().padStart(12, '0')}`;
const events = recorded([
  ...Array.from({ length: 5 }, (_, i) =>
    registerCustomer(id(i), PARTNER_A, `Contoso ${i}`, i % 2 ? 'AU' : 'DE', at(T0, i * 1000)),
  ),
  registerCustomer(id(99), PARTNER_B, 'Fabrikam', 'US', T0),
]);

/** The row a registration gives. */
const rowOf = (event: RecordedEvent) => {
  const d = event.data as CustomerRegistered['data'];
  return {
    id: d.customerId,
    partner_tenant_id: d.partnerTenantId,
    company_name: d.companyName,
    domain: d.domain,
    country: d.country,
    currency_code: d.currencyCode,
    tax_inclusive_pricing: d.taxInclusivePricing,
    registered_at: d.registeredAt,
    position: event.globalPosition,
  };
};

describe('customers projection', () => {
  const spec = projectionSpec(customersProjection, { database: () => createTestDatabase('csp_rm_customers') });

  it('stores each customer under its partner, with the market facts of its registration', () =>
    spec.given(events).thenMatches(async (pool) => {
      const query = new CustomersQuery(pool);
      expect(await query.get(PARTNER_A, id(1))).toEqual({
        id: id(1),
        partnerTenantId: PARTNER_A,
        companyName: 'Contoso 1',
        domain: 'contoso1.onmicrosoft.com',
        country: 'AU',
        currencyCode: 'AUD',
        taxInclusivePricing: true,
        registeredAt: at(T0, 1000).toISOString(),
      });
      expect(await query.get(PARTNER_A, id(0))).toMatchObject({
        country: 'DE',
        currencyCode: 'EUR',
        taxInclusivePricing: false,
      });
      expect(await query.get(PARTNER_B, id(1))).toBeNull(); // another partner's customer
      expect(await query.getById(id(99))).toMatchObject({ partnerTenantId: PARTNER_B });
    }));

  it('lists a partner’s customers in pages', () =>
    spec.given(events).thenMatches(async (pool) => {
      const query = new CustomersQuery(pool);
      const seen: string[] = [];
      let token: string | undefined;
      do {
        const page = await query.list(PARTNER_A, { size: 2, continuationToken: token });
        expect(page.totalCount).toBe(5);
        seen.push(...page.items.map((c) => c.id));
        token = page.continuationToken ?? undefined;
      } while (token);
      expect(seen).toEqual([0, 1, 2, 3, 4].map(id));
      expect((await query.list(PARTNER_B)).items.map((c) => c.companyName)).toEqual(['Fabrikam']);
    }));

  it('gives one row per registration, the same however the events are delivered (twice, one by one)', () =>
    spec.given(events).then({ rm_customers: events.map(rowOf).sort((a, b) => a.id.localeCompare(b.id)) }));

  it('a later registration of the same customer replaces the row, also in a later batch', () => {
    const again = recorded([registerCustomer(id(1), PARTNER_A, 'Contoso Renamed', 'AU', at(T0, 9000))], 7);
    return spec
      .given(events.slice(0, 2))
      .when(again)
      .then({ rm_customers: [rowOf(events[0]), rowOf(again[0])] });
  });
});

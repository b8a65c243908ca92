import { customersProjection } from '../../apps/worker/src/projections';
import { CustomersQuery, CUSTOMERS_TABLE } from '@csp/capabilities/customers';
import { Pool } from 'pg';
import { createTestDatabase, type TestDatabase, testPool } from '../support/database';
import {
  PARTNER_A,
  PARTNER_B,
  T0,
  applyInTransaction,
  at,
  dumpTable,
  migrate,
  recorded,
  registerCustomer,
} from './read-models.fixtures';

const id = (n: number): string => `c0000000-0000-4000-8000-${n.toString().padStart(12, '0')}`;
const events = recorded([
  ...Array.from({ length: 5 }, (_, i) =>
    registerCustomer(id(i), PARTNER_A, `Contoso ${i}`, i % 2 ? 'AU' : 'DE', at(T0, i * 1000)),
  ),
  registerCustomer(id(99), PARTNER_B, 'Fabrikam', 'US', T0),
]);

describe('customers projection', () => {
  let db: TestDatabase;
  let pool: Pool;

  beforeAll(async () => {
    db = await createTestDatabase('csp_rm_customers');
    pool = testPool({ connectionString: db.url, max: 4 });
    await migrate(pool, customersProjection);
  });
  afterAll(async () => {
    await pool.end();
    await db.drop();
  });
  beforeEach(() => pool.query(`TRUNCATE ${CUSTOMERS_TABLE}`));

  it('stores each customer under its partner, with the market facts of its registration', async () => {
    await applyInTransaction(pool, customersProjection, events);
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
  });

  it('lists a partner’s customers in pages', async () => {
    await applyInTransaction(pool, customersProjection, events);
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
  });

  it('replaying the same events twice gives an identical table', async () => {
    await applyInTransaction(pool, customersProjection, events);
    const once = await dumpTable(pool, CUSTOMERS_TABLE);
    await applyInTransaction(pool, customersProjection, events);
    for (const e of events) await applyInTransaction(pool, customersProjection, [e]);
    expect(await dumpTable(pool, CUSTOMERS_TABLE)).toEqual(once);
  });
});

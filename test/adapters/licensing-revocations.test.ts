import { Pool } from 'pg';
import { ControllableClock } from '@csp/event-sourcing';
import {
  DerivedMakLicensingAdapter,
  deriveMakKey,
  PRODUCT_KEY_PATTERN,
  ProductKeyRevokedError,
} from '@csp/capabilities/software';
import { createTestDatabase, type TestDatabase } from '../support/database';

// Keys never reach the test output: only booleans about them are asserted.
const SECRET = 's'.repeat(32);
const ORDER = '0b9c4f4e-5f1a-4f0e-9a49-6a0d3c1c2f11';
const OTHER_ORDER = '7d3e2a10-1111-4c2b-8f00-5a5a5a5a5a5a';
const item = (lineItemNumber: number, orderId = ORDER) => ({
  orderId,
  lineItemNumber,
  offerId: 'DG7GMGF0D7FV:0001:DG7GMGF0D7FW',
  version: '2022',
});

describe('DerivedMakLicensingAdapter revocations on PostgreSQL', () => {
  let db: TestDatabase;
  let pool: Pool;
  const clock = new ControllableClock('2024-06-10T08:00:00.000Z');

  beforeAll(async () => {
    db = await createTestDatabase('csp_licensing');
    pool = new Pool({ connectionString: db.url, max: 10 });
    // Other suites on the same server may terminate backends; an idle client dropped that way is just replaced.
    pool.on('error', () => undefined);
  });
  afterAll(async () => {
    await pool?.end();
    await db?.drop();
  });

  it('migrates idempotently, even from several processes at once', async () => {
    const adapters = Array.from({ length: 5 }, () => new DerivedMakLicensingAdapter({ secret: SECRET, pool }));
    await Promise.all(adapters.map((a) => a.migrate()));
    await adapters[0]!.migrate();
    const { rows } = await pool.query("SELECT to_regclass('licensing_revocations') AS t");
    expect(rows[0].t).toBe('licensing_revocations');
  });

  it('issues until revoked, then refuses the revoked line items only', async () => {
    const adapter = new DerivedMakLicensingAdapter({ secret: SECRET, pool, clock });
    const issued = await adapter.issueProductKey(item(0));
    expect(PRODUCT_KEY_PATTERN.test(issued.productKey)).toBe(true);
    expect(issued.productKey === deriveMakKey(SECRET, item(0))).toBe(true);
    expect(await adapter.isRevoked(item(0))).toBe(false);

    await adapter.revokeKeys({ orderId: ORDER, lineItemNumbers: [0, 2] });

    expect(await adapter.isRevoked(item(0))).toBe(true);
    expect(await adapter.isRevoked(item(2))).toBe(true);
    expect(await adapter.isRevoked(item(1))).toBe(false);
    expect(await adapter.isRevoked(item(0, OTHER_ORDER))).toBe(false);
    await expect(adapter.issueProductKey(item(0))).rejects.toBeInstanceOf(ProductKeyRevokedError);
    await expect(adapter.issueProductKey(item(0))).rejects.toMatchObject({ code: 'revoked', lineItemNumber: 0 });
    await expect(adapter.issueProductKey(item(1))).resolves.toMatchObject({ keyType: 'MAK' });
  });

  it('is idempotent: repeats, duplicates and concurrent revocations keep one row and the first instant', async () => {
    const adapter = new DerivedMakLicensingAdapter({ secret: SECRET, pool, clock });
    const firstAt = await adapter.revokedAt(item(0));
    expect(firstAt?.toISOString()).toBe('2024-06-10T08:00:00.000Z');
    clock.advance({ days: 1 });
    await adapter.revokeKeys({ orderId: ORDER, lineItemNumbers: [0, 0, 2] });
    await Promise.all(
      Array.from({ length: 10 }, () => adapter.revokeKeys({ orderId: ORDER, lineItemNumbers: [0, 1, 2] })),
    );
    await adapter.revokeKeys({ orderId: ORDER, lineItemNumbers: [] });
    expect((await adapter.revokedAt(item(0)))?.toISOString()).toBe('2024-06-10T08:00:00.000Z');
    expect((await adapter.revokedAt(item(1)))?.toISOString()).toBe('2024-06-11T08:00:00.000Z');
    const { rows } = await pool.query(
      'SELECT line_item_number FROM licensing_revocations WHERE order_id = $1 ORDER BY 1',
      [ORDER],
    );
    expect(rows.map((r) => r.line_item_number)).toEqual([0, 1, 2]);
  });

  it('survives a restart: a new pool and adapter see the revocations', async () => {
    const fresh = new Pool({ connectionString: db.url, max: 2 });
    fresh.on('error', () => undefined);
    try {
      const restarted = new DerivedMakLicensingAdapter({ secret: SECRET, pool: fresh });
      await restarted.migrate();
      expect(await restarted.isRevoked(item(2))).toBe(true);
      await expect(restarted.issueProductKey(item(2))).rejects.toBeInstanceOf(ProductKeyRevokedError);
    } finally {
      await fresh.end();
    }
  });

  it('stores no key in the database', async () => {
    const key = deriveMakKey(SECRET, item(1));
    const { rows } = await pool.query('SELECT row_to_json(r)::text AS j FROM licensing_revocations r');
    expect(rows.some((r) => (r.j as string).includes(key) || (r.j as string).includes(key.replace(/-/g, '')))).toBe(
      false,
    );
  });
});

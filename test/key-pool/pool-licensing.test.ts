import { randomBytes, randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { Pool } from 'pg';
import { defaultDomainData, STREAM_PREFIXES, streamIdOf } from '@csp/domain';
import { createEventStore, type EventStoreHandle } from '@csp/event-store';
import { StreamCommands } from '@csp/event-sourcing';
import {
  fingerprintOf,
  KeyPoolExhaustedError,
  KeyPoolMetrics,
  KeyRing,
  KeyUnavailableError,
  PoolLicensingAdapter,
  sealProductKey,
  type KeyEncryptionKey,
} from '@csp/capabilities/key-pool';
import { ProductKeyRevokedError } from '@csp/capabilities/software';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { randomMak } from '../support/product-keys';

// Keys never reach the test output: assertions compare sets and booleans, failures print fingerprints at most.
const OFFER = 'DG7GMGF0FKZV:0001:DG7GMGF0FKZW';
const KEK: KeyEncryptionKey = { kid: 'k1', key: randomBytes(32) };

describe('PoolLicensingAdapter on PostgreSQL (assignment, exhaustion, revocation, tamper)', () => {
  let db: TestDatabase;
  let pool: Pool;
  let events: EventStoreHandle;
  const logged: string[] = [];
  const logger = {
    log: (m: string) => logged.push(m),
    warn: (m: string) => logged.push(m),
    error: (m: string) => logged.push(m),
  };
  const adapterWith = (ring: KeyRing) =>
    new PoolLicensingAdapter({
      pool,
      commands: new StreamCommands(events.store, { now: () => new Date() }, defaultDomainData()),
      ring,
      metrics: KeyPoolMetrics.shared(),
      logger,
      defaultLowWatermark: 10,
      revokedError: (o, l) => new ProductKeyRevokedError(o, l),
    });
  let adapter: PoolLicensingAdapter;
  const allKeys: string[] = [];

  /** Puts keys straight into the vault as an import would (staged, then committed). */
  async function stock(tenant: string, version: string, n: number): Promise<Set<string>> {
    const keys = Array.from({ length: n }, () => randomMak());
    allKeys.push(...keys);
    const importId = randomUUID();
    const client = await pool.connect();
    try {
      await adapter.vault.stage(
        client,
        importId,
        tenant,
        keys.map((k) => {
          const id = randomUUID();
          return {
            id,
            offerId: OFFER,
            version,
            fingerprint: fingerprintOf(k),
            sealed: sealProductKey(
              new KeyRing([KEK]),
              { partnerTenantId: tenant, offerId: OFFER, version, recordId: id },
              k,
            ),
          };
        }),
      );
    } finally {
      client.release();
    }
    await adapter.vault.commit(importId);
    return new Set(keys);
  }
  const issue = (tenant: string, orderId: string, lineItemNumber: number, version = '2022') =>
    adapter.issueProductKey({ orderId, lineItemNumber, offerId: OFFER, version, partnerTenantId: tenant, quantity: 2 });

  beforeAll(async () => {
    db = await createTestDatabase('csp_keypool');
    pool = new Pool({ connectionString: db.url, max: 20 });
    pool.on('error', () => undefined);
    events = await createEventStore({ databaseUrl: db.url, dataDir: '/tmp', streamPrefixes: STREAM_PREFIXES });
    adapter = adapterWith(new KeyRing([KEK]));
    await Promise.all([adapter.migrate(), adapterWith(new KeyRing([KEK])).migrate()]);
  });
  afterAll(async () => {
    await events?.close();
    await pool?.end();
    await db?.drop();
  });
  afterAll(() => {
    // Nothing the adapter logged names a key.
    const text = logged.join('\n');
    expect(allKeys.filter((k) => text.includes(k))).toEqual([]);
  });

  it('given 50 parallel first reveals on 50 lines and a pool of 40, then 40 distinct keys and 10 clean exhaustions', async () => {
    const tenant = randomUUID();
    const imported = await stock(tenant, '2022', 40);
    const order = randomUUID();
    const results = await Promise.allSettled(Array.from({ length: 50 }, (_, line) => issue(tenant, order, line)));
    const served = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value.productKey] : []));
    const refused = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
    expect(served).toHaveLength(40);
    expect(new Set(served).size).toBe(40);
    expect(served.every((k) => imported.has(k))).toBe(true);
    expect(refused).toHaveLength(10);
    for (const e of refused) {
      expect(e).toBeInstanceOf(KeyPoolExhaustedError);
      expect(e).toMatchObject({
        code: 'key_pool_exhausted',
        kind: 'conflict',
        data: { offerId: OFFER, version: '2022' },
      });
    }
    // later reveals of the same lines: the same keys, no new assignment
    const again = await Promise.all(
      results.flatMap((r, line) =>
        r.status === 'fulfilled' ? [issue(tenant, order, line).then((k) => [line, k.productKey] as const)] : [],
      ),
    );
    expect(
      again.every(
        ([line, key]) => (results[line] as PromiseFulfilledResult<{ productKey: string }>).value.productKey === key,
      ),
    ).toBe(true);
    const { rows } = await pool.query(
      "SELECT count(*)::int AS n FROM key_pool_keys WHERE partner_tenant_id = $1 AND status = 'assigned' AND assignment_recorded",
      [tenant],
    );
    expect(rows[0].n).toBe(40);
  });

  it('given random interleavings of first reveals and retries, then no two lines share a key and a line keeps its key', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 8 }),
        fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 1, maxLength: 24 }),
        async (poolSize, requests) => {
          const tenant = randomUUID();
          await stock(tenant, '2019', poolSize);
          const order = randomUUID();
          const outcomes = await Promise.allSettled(requests.map((line) => issue(tenant, order, line, '2019')));
          const keyOf = new Map<number, string>();
          for (const [i, o] of outcomes.entries()) {
            const line = requests[i]!;
            if (o.status === 'rejected') {
              expect(o.reason).toBeInstanceOf(KeyPoolExhaustedError);
              continue;
            }
            if (keyOf.has(line)) expect(keyOf.get(line) === o.value.productKey).toBe(true);
            keyOf.set(line, o.value.productKey);
          }
          const lines = new Set(requests);
          expect(new Set(keyOf.values()).size).toBe(keyOf.size);
          expect(keyOf.size).toBe(Math.min(lines.size, poolSize));
        },
      ),
      { numRuns: 40 },
    );
  });

  it('given a cancelled line, then its key is burnt (KeyAssignmentRevoked), never back to stock, and refused after', async () => {
    const tenant = randomUUID();
    await stock(tenant, '2022', 2);
    const order = randomUUID();
    await issue(tenant, order, 0);
    await adapter.revokeKeys({ orderId: order, lineItemNumbers: [0, 1] });
    await adapter.revokeKeys({ orderId: order, lineItemNumbers: [0] });
    await expect(issue(tenant, order, 0)).rejects.toBeInstanceOf(ProductKeyRevokedError);
    await expect(issue(tenant, order, 1)).rejects.toBeInstanceOf(ProductKeyRevokedError);
    expect(await adapter.vault.stock(tenant)).toEqual([
      { offerId: OFFER, version: '2022', available: 1, assigned: 0, revoked: 1, quarantined: 0 },
    ]);
    const { rows } = await pool.query('SELECT id FROM key_pool_keys WHERE order_id = $1', [order]);
    const stream = await events.store.readStream(streamIdOf('poolKey', rows[0].id));
    expect(stream.events.map((e) => e.type)).toEqual(['KeyAssigned', 'KeyAssignmentRevoked']);
    expect(stream.events[0]!.data).toMatchObject({ orderId: order, lineItemNumber: 0, activations: 2 });
    expect(JSON.stringify(stream.events)).not.toMatch(/[A-Z0-9]{5}(-[A-Z0-9]{5}){4}/);
  });

  it('given a flipped ciphertext byte, swapped rows or the wrong KEK, then decryption fails closed with an alert and nothing is served', async () => {
    const failures = async () =>
      (await KeyPoolMetrics.shared().decryptFailures.get()).values.reduce((n, v) => n + v.value, 0);
    const before = await failures();
    // (a) a flipped byte: the record is quarantined, the next reveal takes another key
    const t1 = randomUUID();
    await stock(t1, '2022', 2);
    await pool.query(
      'UPDATE key_pool_keys SET ciphertext = set_byte(ciphertext, 20, get_byte(ciphertext, 20) # 1) WHERE id = (SELECT id FROM key_pool_keys WHERE partner_tenant_id = $1 ORDER BY seq LIMIT 1)',
      [t1],
    );
    const o1 = randomUUID();
    await expect(issue(t1, o1, 0)).rejects.toBeInstanceOf(KeyUnavailableError);
    expect((await adapter.vault.stock(t1))[0]).toMatchObject({ available: 1, assigned: 0, quarantined: 1 });
    await expect(issue(t1, o1, 0)).resolves.toMatchObject({ keyType: 'MAK' });
    // (b) two rows' sealed keys swapped (their AAD names the other row): neither decrypts
    const t2 = randomUUID();
    await stock(t2, '2022', 2);
    await pool.query(
      `UPDATE key_pool_keys k SET ciphertext = o.ciphertext, wrapped_dek = o.wrapped_dek
       FROM key_pool_keys o WHERE k.partner_tenant_id = $1 AND o.partner_tenant_id = $1 AND o.id <> k.id`,
      [t2],
    );
    const o2 = randomUUID();
    await expect(issue(t2, o2, 0)).rejects.toBeInstanceOf(KeyUnavailableError);
    await expect(issue(t2, o2, 1)).rejects.toBeInstanceOf(KeyUnavailableError);
    // (c) the right kid with the wrong key material, on a key already assigned: it stays with its line, refused
    const t3 = randomUUID();
    await stock(t3, '2022', 1);
    const o3 = randomUUID();
    await issue(t3, o3, 0);
    const wrong = adapterWith(new KeyRing([{ kid: 'k1', key: randomBytes(32) }]));
    await expect(
      wrong.issueProductKey({ orderId: o3, lineItemNumber: 0, offerId: OFFER, version: '2022', partnerTenantId: t3 }),
    ).rejects.toBeInstanceOf(KeyUnavailableError);
    expect(await failures()).toBe(before + 4);
    expect(logged.filter((l) => l.startsWith('ALERT key custody'))).toHaveLength(4);
    const assigned = await pool.query(
      "SELECT count(*)::int AS n FROM key_pool_keys WHERE partner_tenant_id = ANY($1) AND status = 'assigned'",
      [[t2]],
    );
    expect(assigned.rows[0].n).toBe(0);
  });
});

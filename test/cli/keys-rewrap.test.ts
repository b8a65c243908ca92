import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Pool } from 'pg';
import {
  fingerprintOf,
  KeyRing,
  KeyVaultStore,
  openProductKey,
  sealProductKey,
  type KeyEncryptionKey,
} from '@csp/capabilities/key-pool';
import { createTestDatabase, TestDatabase } from '../support/database';
import { randomMak } from '../support/product-keys';

const run = promisify(execFile);
const root = join(__dirname, '..', '..');
const OFFER = 'DG7GMGF0D7FV:0001:DG7GMGF0D7FW';
const kek = (kid: string): KeyEncryptionKey => ({ kid, key: randomBytes(32) });
const setting = (...keks: KeyEncryptionKey[]) => keks.map((k) => `${k.kid}:${k.key.toString('base64')}`).join(',');

describe('operator CLI: npm run cli -- keys rewrap', () => {
  let db: TestDatabase;
  let pool: Pool;
  let vault: KeyVaultStore;
  const k1 = kek('k1');
  const k2 = kek('k2');
  const gone = kek('gone');
  const tenant = randomUUID();
  const keys = new Map<string, string>();

  const cli = (keksSetting: string) =>
    run(join(root, 'node_modules', '.bin', 'tsx'), [join(root, 'apps/cli/src/cli.ts'), 'keys', 'rewrap'], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: db.url, KEY_ENCRYPTION_KEYS: keksSetting },
    }).catch((e: { code: number; stdout: string; stderr: string }) => e);

  async function put(ring: KeyRing, n: number): Promise<void> {
    const importId = randomUUID();
    const client = await pool.connect();
    try {
      await vault.stage(
        client,
        importId,
        tenant,
        Array.from({ length: n }, () => {
          const id = randomUUID();
          const key = randomMak();
          keys.set(id, key);
          const sealed = sealProductKey(
            ring,
            { partnerTenantId: tenant, offerId: OFFER, version: '2022', recordId: id },
            key,
          );
          return { id, offerId: OFFER, version: '2022', fingerprint: fingerprintOf(key), sealed };
        }),
      );
    } finally {
      client.release();
    }
    await vault.commit(importId);
  }

  beforeAll(async () => {
    db = await createTestDatabase('csp_rewrap');
    pool = new Pool({ connectionString: db.url, max: 4 });
    vault = new KeyVaultStore(pool);
    await vault.migrate();
    await put(new KeyRing([k1]), 1200);
    await put(new KeyRing([gone]), 3);
  });
  afterAll(async () => {
    await pool?.end();
    await db?.drop();
  });

  it('re-wraps every data key under the new current KEK, reports the records of a KEK no longer configured, and is idempotent', async () => {
    const first = (await cli(setting(k2, k1))) as { stdout: string; stderr: string; code?: number };
    expect(first.code).toBe(1);
    expect(first.stdout).toContain(
      'rewrapped 1200 key(s) under "k2"; 1200 record(s) now under it; left under a KEK no longer configured: "gone" 3',
    );
    expect(first.stderr).toContain('1203/1203');
    const { rows } = await pool.query(
      'SELECT kek_id, count(*)::int AS n FROM key_pool_keys GROUP BY kek_id ORDER BY kek_id',
    );
    expect(rows).toEqual([
      { kek_id: 'gone', n: 3 },
      { kek_id: 'k2', n: 1200 },
    ]);
    // every key opens under k2 alone, unchanged
    const onlyK2 = new KeyRing([k2]);
    let same = 0;
    for (const [id, key] of keys) {
      const row = await vault.row(id);
      if (
        row!.sealed.kekId === 'k2' &&
        openProductKey(
          onlyK2,
          { partnerTenantId: tenant, offerId: OFFER, version: '2022', recordId: id },
          row!.sealed,
        ) === key
      )
        same++;
    }
    expect(same).toBe(1200);

    const again = (await cli(setting(k2, k1, gone))) as { stdout: string; code?: number };
    expect(again.code ?? 0).toBe(0);
    expect(again.stdout).toContain('rewrapped 3 key(s) under "k2"; 1203 record(s) now under it');
    const third = (await cli(setting(k2))) as { stdout: string; code?: number };
    expect(third.stdout).toContain('rewrapped 0 key(s) under "k2"; 1203 record(s) now under it');
  }, 120_000);

  it('refuses to run without KEY_ENCRYPTION_KEYS, with one line and no key material', async () => {
    const res = (await cli('k1:dG9vLXNob3J0')) as { stdout: string; code?: number };
    expect(res.code).toBe(2);
    expect(res.stdout.trim()).toBe(
      'Configuration error: KEY_ENCRYPTION_KEYS kid "k1" must be the base64 of exactly 32 random bytes',
    );
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from './app-config';

const SECRET = 'x'.repeat(32);
const KEK1 = Buffer.alloc(32, 1).toString('base64');
const KEK2 = Buffer.alloc(32, 2).toString('base64');
const prod = {
  NODE_ENV: 'production',
  AUTH_JWT_SECRET: SECRET,
  KEY_DERIVATION_SECRET: SECRET,
  LINK_SIGNING_SECRET: SECRET,
  WEBHOOK_SECRETS_KEY: SECRET,
  PARTNER_TENANTS: '6f1c3a52-0d5e-4d2b-9a53-6a4c5d1e8b01',
  AUDIT_SIGNING_KEYS: 'test-audit:MC4CAQAwBQYDK2VwBCIEIM8y9bL6hyV9AMuo1+eNjFs4VGLZhayqtEZCL4O4cdnI',
};

describe('key custody settings', () => {
  let dir: string;
  const load = (env: Record<string, string | undefined>) =>
    loadConfig({ DATA_DIR: dir, ...env }, { warn: () => undefined, cwd: dir });
  const refusal = (env: Record<string, string | undefined>): string => {
    try {
      load(env);
    } catch (e) {
      return (e as Error).message;
    }
    return 'accepted';
  };
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'cfg-kc-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('given no setting, then production is pool mode and elsewhere derived mode', () => {
    expect(load({ ...prod, KEY_ENCRYPTION_KEYS: `k1:${KEK1}` }).keyCustody.adapter).toBe('pool');
    expect(load({ AUTH_JWT_SECRET: SECRET }).keyCustody).toMatchObject({
      adapter: 'derived',
      keyEncryptionKeys: [],
      defaultLowWatermark: 10,
    });
  });

  it('given KEKs, then the first is current and every one is 32 bytes', () => {
    const { keyEncryptionKeys } = load({ ...prod, KEY_ENCRYPTION_KEYS: `k2:${KEK2}, k1:${KEK1}` }).keyCustody;
    expect(keyEncryptionKeys.map((k) => [k.kid, k.key.length])).toEqual([
      ['k2', 32],
      ['k1', 32],
    ]);
  });

  it('given production on derived keys, then it refuses unless ALLOW_DERIVED_KEYS=true', () => {
    expect(refusal({ ...prod, LICENSING_ADAPTER: 'derived' })).toMatch(
      /^Configuration error: LICENSING_ADAPTER is "derived" in production/,
    );
    expect(load({ ...prod, LICENSING_ADAPTER: 'derived', ALLOW_DERIVED_KEYS: 'true' }).keyCustody.adapter).toBe(
      'derived',
    );
  });

  it.each([
    [undefined, 'KEY_ENCRYPTION_KEYS is required when LICENSING_ADAPTER=pool'],
    ['k1', 'KEY_ENCRYPTION_KEYS entry 1 must be kid:base64'],
    [`k1:${KEK1},k1:${KEK2}`, 'KEY_ENCRYPTION_KEYS names kid "k1" twice'],
    [
      `k1:${Buffer.alloc(16).toString('base64')}`,
      'KEY_ENCRYPTION_KEYS kid "k1" must be the base64 of exactly 32 random bytes',
    ],
    ['k1:not base64!', 'KEY_ENCRYPTION_KEYS kid "k1" must be the base64'],
    [`bad kid:${KEK1}`, 'KEY_ENCRYPTION_KEYS entry 1 must be kid:base64'],
  ])(
    'given pool mode with KEY_ENCRYPTION_KEYS=%j, then start-up stops with one line, no key material',
    (value, line) => {
      const message = refusal({ AUTH_JWT_SECRET: SECRET, LICENSING_ADAPTER: 'pool', KEY_ENCRYPTION_KEYS: value });
      expect(message).toContain(`Configuration error: ${line}`);
      expect(message.split('\n')).toHaveLength(1);
      expect(message).not.toContain(KEK1);
      expect(message).not.toContain(KEK2);
    },
  );

  it('given an unknown adapter, then it is refused', () => {
    expect(refusal({ AUTH_JWT_SECRET: SECRET, LICENSING_ADAPTER: 'vendor' })).toContain(
      'LICENSING_ADAPTER must be one of pool, derived',
    );
  });
});

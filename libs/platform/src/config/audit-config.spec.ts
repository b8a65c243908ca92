import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from './app-config';

const SECRET = 'x'.repeat(32);
const prod = {
  NODE_ENV: 'production',
  AUTH_JWT_SECRET: SECRET,
  KEY_DERIVATION_SECRET: SECRET,
  LINK_SIGNING_SECRET: SECRET,
  WEBHOOK_SECRETS_KEY: SECRET,
  PARTNER_TENANTS: '6f1c3a52-0d5e-4d2b-9a53-6a4c5d1e8b01',
  // Key custody's production setting, so that only the audit settings are under test.
  KEY_ENCRYPTION_KEYS: `k1:${Buffer.alloc(32, 7).toString('base64')}`,
};
const pkcs8 = (type: 'ed25519' | 'x25519' = 'ed25519'): string =>
  generateKeyPairSync(type as 'ed25519')
    .privateKey.export({ format: 'der', type: 'pkcs8' })
    .toString('base64');

describe('AUDIT_SIGNING_KEYS and AUDIT_DIGEST_EVERY_MS', () => {
  let dir: string;
  const load = (env: Record<string, string>) =>
    loadConfig({ DATA_DIR: dir, ...env }, { warn: () => undefined, cwd: dir });
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'cfg-audit-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('given production without keys, then start-up stops with one line naming the setting', () => {
    expect(() => load(prod)).toThrow(
      'Configuration error: AUDIT_SIGNING_KEYS is required in production: kid:base64-pkcs8-ed25519-key,... (the first signs the audit digests)',
    );
  });

  it('reads kid:base64-pkcs8,... in order (the first is current) and the period', () => {
    const c = load({ ...prod, AUDIT_SIGNING_KEYS: `k2:${pkcs8()}, k1:${pkcs8()}`, AUDIT_DIGEST_EVERY_MS: '250' });
    expect(c.audit.signingKeys.map((k) => k.kid)).toEqual(['k2', 'k1']);
    expect(c.audit.signingKeys[0].privateKey.asymmetricKeyType).toBe('ed25519');
    expect(c.audit.digestEveryMs).toBe(250);
  });

  it.each([
    ['k1', /entry 1 must be kid:base64-pkcs8/],
    ['bad kid!:AAAA', /entry 1 must be kid:base64-pkcs8/],
    ['k1:AAAA', /key k1 is not a base64 PKCS#8 private key/],
    [`k1:${pkcs8('x25519')}`, /key k1 is not an Ed25519 key/],
  ])('refuses %s without echoing it', (value, message) => {
    expect(() => load({ ...prod, AUDIT_SIGNING_KEYS: value })).toThrow(message);
  });

  it('refuses a kid named twice, and a period out of range', () => {
    const key = pkcs8();
    expect(() => load({ ...prod, AUDIT_SIGNING_KEYS: `a:${key},a:${key}` })).toThrow(/names key a twice/);
    expect(() => load({ ...prod, AUDIT_SIGNING_KEYS: `a:${key}`, AUDIT_DIGEST_EVERY_MS: '10' })).toThrow(
      /AUDIT_DIGEST_EVERY_MS must be between 50 and 86400000/,
    );
  });

  it('outside production generates one key under DATA_DIR and keeps it (default period 60 s)', () => {
    const first = load({ AUTH_JWT_SECRET: SECRET });
    const second = load({ AUTH_JWT_SECRET: SECRET });
    expect(first.audit.signingKeys).toHaveLength(1);
    expect(first.audit.signingKeys[0].kid).toMatch(/^local-[0-9a-f]{12}$/);
    expect(second.audit.signingKeys[0].kid).toBe(first.audit.signingKeys[0].kid);
    expect(first.audit.digestEveryMs).toBe(60_000);
  });
});

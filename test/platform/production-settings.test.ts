import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, sourceEntryArgs } from '../support/source-process';

const SECRET = 'production-secret-for-the-start-up-test-0123456789';
const KEK = Buffer.alloc(32, 7).toString('base64');
/** apps/api/src/main.ts as `npm start` runs it, compiled on the fly by swc (the jest transform). */

function start(env: Record<string, string>): Promise<{ code: number | null; stderr: string; stdout: string }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'csp-prod-'));
  const child = spawn(process.execPath, sourceEntryArgs('apps/api/src/main.ts'), {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'production',
      DATA_DIR: dataDir,
      // Unreachable on purpose: a start that got past the config would fail later, differently.
      DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none',
      KEY_DERIVATION_SECRET: SECRET,
      LINK_SIGNING_SECRET: SECRET,
      WEBHOOK_SECRETS_KEY: SECRET,
      // The partner registry's own production setting, so that only the setting under test is missing.
      PARTNER_TENANTS: '6f1c3a52-0d5e-4d2b-9a53-6a4c5d1e8b01',
      KEY_ENCRYPTION_KEYS: `k1:${KEK}`,
      AUDIT_SIGNING_KEYS: 'test-audit:MC4CAQAwBQYDK2VwBCIEIM8y9bL6hyV9AMuo1+eNjFs4VGLZhayqtEZCL4O4cdnI',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((res) =>
    child.on('exit', (code) => {
      rmSync(dataDir, { recursive: true, force: true });
      res({ code, stderr, stdout });
    }),
  );
}

const JWKS = {
  AUTH_JWKS_URL: 'https://login.example.com/keys',
  AUTH_ISSUER: 'https://login.example.com/',
  AUTH_AUDIENCE: 'api://csp-orders',
};

// Production refuses to start on an unsafe identity or operator setting: exit 1, one line naming the variable.
describe('production start-up refuses unsafe settings', () => {
  it.each([
    [
      { ...JWKS, AUTH_ISSUER: '' },
      'Configuration error: AUTH_ISSUER is required in production when AUTH_JWKS_URL is set',
    ],
    [
      { ...JWKS, AUTH_AUDIENCE: '' },
      'Configuration error: AUTH_AUDIENCE is required in production when AUTH_JWKS_URL is set',
    ],
    [
      { ...JWKS, AUTH_JWKS_URL: 'http://login.example.com/keys' },
      'Configuration error: AUTH_JWKS_URL must be https:// in production',
    ],
    [
      { ...JWKS, OPERATOR_TOKEN: 'too-short' },
      'Configuration error: OPERATOR_TOKEN must be at least 32 characters in production (got 9)',
    ],
    [
      { ...JWKS, METRICS_TOKEN: 'too-short' },
      'Configuration error: METRICS_TOKEN must be at least 32 characters in production (got 9)',
    ],
    [
      { ...JWKS, AUDIT_SIGNING_KEYS: '' },
      'Configuration error: AUDIT_SIGNING_KEYS is required in production: kid:base64-pkcs8-ed25519-key,... (the first signs the audit digests)',
    ],
    [
      { ...JWKS, AUDIT_SIGNING_KEYS: 'k1:bm90IGEga2V5' },
      'Configuration error: AUDIT_SIGNING_KEYS key k1 is not a base64 PKCS#8 private key',
    ],
    [
      { ...JWKS, PARTNER_TENANTS: '' },
      'Configuration error: PARTNER_TENANTS is required in production: the partner tenant GUIDs this service serves, as guid[:name],...',
    ],
    [
      { ...JWKS, WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true' },
      'Configuration error: WEBHOOK_ALLOW_PRIVATE_NETWORKS must not be true in production (SSRF guard)',
    ],
    [
      { ...JWKS, WEBHOOK_SECRETS_KEY: '' },
      'Configuration error: WEBHOOK_SECRETS_KEY is required in production (at least 32 characters)',
    ],
    [
      { ...JWKS, WEBHOOK_RETRY_SCHEDULE: '0,5s,soon' },
      'Configuration error: WEBHOOK_RETRY_SCHEDULE "soon" is not a delay such as 0, 500ms, 5s, 5m, 2h or 1d',
    ],
    [
      { ...JWKS, LICENSING_ADAPTER: 'derived' },
      'Configuration error: LICENSING_ADAPTER is "derived" in production: derived keys are not real vendor keys; use "pool" or set ALLOW_DERIVED_KEYS=true',
    ],
    [
      { ...JWKS, KEY_ENCRYPTION_KEYS: '' },
      'Configuration error: KEY_ENCRYPTION_KEYS is required when LICENSING_ADAPTER=pool: kid:base64-of-32-bytes,... (the first encrypts)',
    ],
    [
      { ...JWKS, KEY_ENCRYPTION_KEYS: 'k1:dG9vLXNob3J0' },
      'Configuration error: KEY_ENCRYPTION_KEYS kid "k1" must be the base64 of exactly 32 random bytes',
    ],
  ])(
    '%j',
    async (env, line) => {
      const { code, stderr } = await start(env);
      expect(code).toBe(1);
      expect(stderr.trim().split('\n')).toEqual([line]);
      expect(stderr).not.toContain('too-short');
    },
    60_000,
  );
});

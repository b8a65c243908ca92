import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from './config.error';
import { loadConfig } from './app-config';

const SECRET = 'x'.repeat(32);
const OPERATOR = 'o'.repeat(32);
const METRICS = 'm'.repeat(32);
const prod = {
  NODE_ENV: 'production',
  AUTH_JWT_SECRET: SECRET,
  KEY_DERIVATION_SECRET: SECRET,
  LINK_SIGNING_SECRET: SECRET,
  WEBHOOK_SECRETS_KEY: SECRET,
  // The partner registry's production setting (ignored where it is not read yet).
  PARTNER_TENANTS: '6f1c3a52-0d5e-4d2b-9a53-6a4c5d1e8b01',
  KEY_ENCRYPTION_KEYS: `k1:${Buffer.alloc(32, 7).toString('base64')}`,
  AUDIT_SIGNING_KEYS: 'test-audit:MC4CAQAwBQYDK2VwBCIEIM8y9bL6hyV9AMuo1+eNjFs4VGLZhayqtEZCL4O4cdnI',
};
const jwks = {
  AUTH_JWKS_URL: 'https://login.example.com/keys',
  AUTH_ISSUER: 'https://login.example.com/',
  AUTH_AUDIENCE: 'api://csp-orders',
};

describe('operator and production settings', () => {
  let dir: string;
  const warnings: string[] = [];
  const load = (env: Record<string, string | undefined>) =>
    loadConfig({ DATA_DIR: dir, ...env }, { warn: (m) => warnings.push(m), cwd: dir });
  /** The one line a refused setting prints. */
  const refusal = (env: Record<string, string | undefined>): string => {
    try {
      load(env);
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      expect((e as Error).message).not.toContain('\n');
      return (e as Error).message;
    }
    throw new Error('the configuration was accepted');
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'cfg-op-'));
    warnings.length = 0;
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reads OPERATOR_TOKEN, METRICS_TOKEN and QUEUE_DASHBOARD_WRITE (read-only by default)', () => {
    expect(load({ ...prod, OPERATOR_TOKEN: OPERATOR }).operator).toEqual({
      token: OPERATOR,
      metricsToken: undefined,
      queueDashboardWrite: false,
    });
    expect(
      load({ ...prod, OPERATOR_TOKEN: OPERATOR, METRICS_TOKEN: METRICS, QUEUE_DASHBOARD_WRITE: 'true' }).operator,
    ).toEqual({ token: OPERATOR, metricsToken: METRICS, queueDashboardWrite: true });
  });

  it('in production leaves both tokens unset when not given (nothing is generated)', () => {
    expect(load(prod).operator).toEqual({ token: undefined, metricsToken: undefined, queueDashboardWrite: false });
    expect(warnings).toEqual([]);
  });

  it('outside production generates nothing either: no OPERATOR_TOKEN, no dashboard', () => {
    const c = load({ ...prod, NODE_ENV: 'development' });
    expect(c.operator).toEqual({ token: undefined, metricsToken: undefined, queueDashboardWrite: false });
    expect(warnings).toEqual([]);
  });

  it.each([
    [
      'OPERATOR_TOKEN',
      'short',
      /^Configuration error: OPERATOR_TOKEN must be at least 32 characters in production \(got 5\)$/,
    ],
    [
      'METRICS_TOKEN',
      'short',
      /^Configuration error: METRICS_TOKEN must be at least 32 characters in production \(got 5\)$/,
    ],
    [
      'OPERATOR_TOKEN',
      `${'a'.repeat(20)} ${'b'.repeat(20)}`,
      /^Configuration error: OPERATOR_TOKEN must be printable ASCII/,
    ],
    ['QUEUE_DASHBOARD_WRITE', 'maybe', /^Configuration error: QUEUE_DASHBOARD_WRITE must be true or false/],
  ])('in production refuses %s=%s with one line naming it', (name, value, pattern) => {
    const message = refusal({ ...prod, [name]: value });
    expect(message).toMatch(pattern);
    expect(message).not.toContain(value.length > 8 ? value : '\u0000');
  });

  it('in production refuses a METRICS_TOKEN equal to OPERATOR_TOKEN (the scraper must not open the dashboard)', () => {
    expect(refusal({ ...prod, OPERATOR_TOKEN: OPERATOR, METRICS_TOKEN: OPERATOR })).toBe(
      'Configuration error: METRICS_TOKEN must differ from OPERATOR_TOKEN',
    );
  });

  it('outside production accepts short tokens (a developer machine)', () => {
    const c = load({ ...prod, NODE_ENV: 'development', OPERATOR_TOKEN: 'op', METRICS_TOKEN: 'me' });
    expect(c.operator).toMatchObject({ token: 'op', metricsToken: 'me' });
  });

  it('in production with AUTH_JWKS_URL requires AUTH_ISSUER and AUTH_AUDIENCE', () => {
    expect(refusal({ ...prod, ...jwks, AUTH_ISSUER: undefined })).toBe(
      'Configuration error: AUTH_ISSUER is required in production when AUTH_JWKS_URL is set',
    );
    expect(refusal({ ...prod, ...jwks, AUTH_AUDIENCE: '' })).toBe(
      'Configuration error: AUTH_AUDIENCE is required in production when AUTH_JWKS_URL is set',
    );
    expect(load({ ...prod, ...jwks }).auth).toMatchObject(jwks.AUTH_ISSUER ? { issuer: jwks.AUTH_ISSUER } : {});
  });

  it('in production refuses an http: JWKS URL; outside production it is accepted (a local identity provider)', () => {
    const http = { ...jwks, AUTH_JWKS_URL: 'http://login.example.com/keys' };
    expect(refusal({ ...prod, ...http })).toBe('Configuration error: AUTH_JWKS_URL must be https:// in production');
    expect(load({ ...prod, ...http, NODE_ENV: 'test' }).auth.jwksUrl).toBe(http.AUTH_JWKS_URL);
  });

  it('without AUTH_JWKS_URL issuer and audience stay optional (local HS256 tokens)', () => {
    expect(load(prod).auth).toMatchObject({ issuer: undefined, audience: undefined });
  });
});

import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from './config.error';
import { loadConfig } from './app-config';

const SECRET = 'x'.repeat(32);
const secrets = {
  AUTH_JWT_SECRET: SECRET,
  KEY_DERIVATION_SECRET: SECRET,
  LINK_SIGNING_SECRET: SECRET,
  WEBHOOK_SECRETS_KEY: SECRET,
};
const PARTNER_A = '3f2b8c1e-5d4a-4e7b-9c0d-1a2b3c4d5e6f';
const AUDIT_KEYS = 'test-audit:MC4CAQAwBQYDK2VwBCIEIM8y9bL6hyV9AMuo1+eNjFs4VGLZhayqtEZCL4O4cdnI';
const partners = {
  PARTNER_TENANTS: PARTNER_A,
  AUDIT_SIGNING_KEYS: AUDIT_KEYS,
  KEY_ENCRYPTION_KEYS: `k1:${Buffer.alloc(32, 7).toString('base64')}`,
};

describe('loadConfig', () => {
  let dir: string;
  const warnings: string[] = [];
  const load = (env: Record<string, string | undefined>) =>
    loadConfig({ DATA_DIR: dir, ...env }, { warn: (m) => warnings.push(m), cwd: dir });

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'cfg-'));
    warnings.length = 0;
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('applies the documented defaults', () => {
    const c = load({ ...secrets });
    expect(c).toMatchObject({
      port: 3000,
      host: '0.0.0.0',
      databaseUrl: undefined,
      dataDir: dir,
      eventStoreUrl: undefined,
      redisUrl: undefined,
      logLevel: 'info',
      downloadLinkTtlDays: 14,
      downloadLinkMaxDownloads: 50,
      artifactsDir: join(dir, 'artifacts'),
      publicBaseUrl: 'http://localhost:3000',
      rateLimitPerMinute: 500,
      bodyLimitBytes: 1024 * 1024,
      role: 'all',
      apiWorkers: 1,
      production: false,
      propagation: {
        concurrency: 16,
        attempts: 8,
        backoffMs: 2000,
        reconcileEveryMs: 60_000,
        lockMs: 8_000,
        stalledCheckMs: 2_000,
        testStepDelayMs: 0,
      },
    });
    expect(c.auth.jwtSecret).toBe(SECRET);
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('reads every setting', () => {
    const c = load({
      ...secrets,
      PORT: '8080',
      HOST: '127.0.0.1',
      DATABASE_URL: 'postgres://u:p@db:5432/orders',
      EVENTSTORE_URL: 'esdb+discover://es:2113?tls=false',
      REDIS_URL: 'redis://r:6379',
      LOG_LEVEL: 'debug',
      DOWNLOAD_LINK_TTL_DAYS: '7',
      DOWNLOAD_LINK_MAX_DOWNLOADS: '5',
      ARTIFACTS_DIR: 'bits',
      RATE_LIMIT_PER_MINUTE: '10',
      BODY_LIMIT_BYTES: '2048',
      ROLE: 'worker',
      API_WORKERS: '2',
      AUTH_ISSUER: 'https://issuer',
      AUTH_AUDIENCE: 'api://csp',
    });
    expect(c).toMatchObject({
      port: 8080,
      publicBaseUrl: 'http://localhost:8080',
      artifactsDir: join(dir, 'bits'),
      role: 'worker',
      apiWorkers: 2,
      logLevel: 'debug',
      eventStoreUrl: 'esdb+discover://es:2113?tls=false',
    });
    expect(c.auth).toMatchObject({ issuer: 'https://issuer', audience: 'api://csp' });
  });

  it.each([
    ['PORT', 'abc', /PORT must be a whole number/],
    ['PORT', '70000', /PORT must be between 1 and 65535/],
    ['DATABASE_URL', 'mysql://x', /DATABASE_URL must start with postgres:\/\/ or postgresql:\/\//],
    ['DATABASE_URL', 'not a url', /DATABASE_URL is not a valid URL/],
    ['EVENTSTORE_URL', 'http://es:2113', /EVENTSTORE_URL must start with kurrentdb:\/\//],
    ['REDIS_URL', 'http://r', /REDIS_URL must start with redis:\/\//],
    ['LOG_LEVEL', 'loud', /LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent/],
    ['ROLE', 'both', /ROLE must be one of all, api, worker/],
    ['API_WORKERS', '0', /API_WORKERS must be between 1 and 64/],
    ['API_WORKERS', 'auto', /API_WORKERS must be a whole number/],
    ['RATE_LIMIT_PER_MINUTE', '-1', /RATE_LIMIT_PER_MINUTE must be a whole number/],
    ['BODY_LIMIT_BYTES', '1.5', /BODY_LIMIT_BYTES must be a whole number/],
    ['PUBLIC_BASE_URL', 'ftp://x', /PUBLIC_BASE_URL must start with http:\/\/ or https:\/\//],
    ['AUTH_JWT_SECRET', 'short', /AUTH_JWT_SECRET must be at least 32 characters \(got 5\)/],
    ['PROPAGATION_CONCURRENCY', '0', /PROPAGATION_CONCURRENCY must be between 1 and 100/],
    ['PROPAGATION_CONCURRENCY', 'many', /PROPAGATION_CONCURRENCY must be a whole number/],
    ['PROPAGATION_ATTEMPTS', '51', /PROPAGATION_ATTEMPTS must be between 1 and 50/],
    ['PROPAGATION_LOCK_MS', '999', /PROPAGATION_LOCK_MS must be between 1000 and 600000/],
  ])('refuses %s=%s with one line naming it', (name, value, pattern) => {
    let error: unknown;
    try {
      load({ ...secrets, [name]: value });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toMatch(pattern);
    expect(message.startsWith(`Configuration error: ${name} `)).toBe(true);
    expect(message).not.toContain('\n');
  });

  it('never echoes a database password', () => {
    expect(() => load({ ...secrets, DATABASE_URL: 'mysql://user:hunter2@db' })).toThrow(/DATABASE_URL/);
    try {
      load({ ...secrets, DATABASE_URL: 'mysql://user:hunter2@db' });
    } catch (e) {
      expect((e as Error).message).not.toContain('hunter2');
    }
  });

  it('outside production generates the secrets once, persists them and reuses them', () => {
    const first = load({});
    expect(warnings).toHaveLength(5);
    expect(warnings[3]).toMatch(/WEBHOOK_SECRETS_KEY is unset: generated a local one in .*webhook-secrets-key/);
    expect(warnings[4]).toMatch(/AUDIT_SIGNING_KEYS is unset: generated a local one in .*audit-signing-key/);
    expect(warnings[0]).toMatch(/AUTH_JWT_SECRET is unset: generated a local one in .*jwt-secret/);
    const file = join(dir, 'jwt-secret');
    expect(readFileSync(file, 'utf8').trim()).toBe(first.auth.jwtSecret);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(first.auth.jwtSecret!.length).toBeGreaterThanOrEqual(32);
    const second = load({});
    expect(second.auth.jwtSecret).toBe(first.auth.jwtSecret);
    expect(second.keyDerivationSecret).toBe(first.keyDerivationSecret);
    expect(second.linkSigningSecret).toBe(first.linkSigningSecret);
    expect(first.keyDerivationSecret).not.toBe(first.linkSigningSecret);
    expect(second.audit.signingKeys[0].kid).toBe(first.audit.signingKeys[0].kid);
    expect(statSync(join(dir, 'audit-signing-key')).mode & 0o777).toBe(0o600);
    expect(second.webhooks.secretsKey).toBe(first.webhooks.secretsKey);
    expect(warnings).toHaveLength(5);
  });

  it('refuses a too short persisted secret', () => {
    writeFileSync(join(dir, 'jwt-secret'), 'short\n');
    expect(() => load({})).toThrow(/AUTH_JWT_SECRET in .* is shorter than 32 characters/);
  });

  it('in production requires the secrets', () => {
    expect(() => load({ NODE_ENV: 'production' })).toThrow(
      'Configuration error: AUTH_JWT_SECRET is required in production',
    );
    expect(() => load({ NODE_ENV: 'production', AUTH_JWT_SECRET: SECRET })).toThrow(
      /KEY_DERIVATION_SECRET is required/,
    );
    expect(load({ NODE_ENV: 'production', ...secrets, ...partners }).production).toBe(true);
  });

  it('does not need AUTH_JWT_SECRET when AUTH_JWKS_URL is set', () => {
    const c = load({
      NODE_ENV: 'production',
      AUTH_JWKS_URL: 'https://login.example.com/keys',
      AUTH_ISSUER: 'https://login.example.com/',
      AUTH_AUDIENCE: 'api://csp-orders',
      KEY_DERIVATION_SECRET: SECRET,
      LINK_SIGNING_SECRET: SECRET,
      WEBHOOK_SECRETS_KEY: SECRET,
      ...partners,
    });
    expect(c.auth).toMatchObject({ jwksUrl: 'https://login.example.com/keys', jwtSecret: undefined });
    expect(() => load({ AUTH_JWKS_URL: 'ftp://x', ...secrets })).toThrow(/AUTH_JWKS_URL must start with https:\/\//);
  });

  describe('WEBHOOK_*', () => {
    it('given nothing, then the spec schedule, 15 s, no private networks, 24 h overlap; https only in production', () => {
      const c = load({ ...secrets });
      expect(c.webhooks).toMatchObject({
        retryScheduleMs: [0, 5e3, 3e5, 18e5, 72e5, 18e6, 36e6, 504e5, 72e6, 864e5],
        timeoutMs: 15_000,
        allowPrivateNetworks: false,
        httpsOnly: false,
        disableAfterFailures: 5,
        secretOverlapMs: 86_400_000,
        lockMs: 8000,
        stalledCheckMs: 2000,
      });
      expect(load({ NODE_ENV: 'production', ...secrets, ...partners }).webhooks.httpsOnly).toBe(true);
    });

    it('given a test schedule and overlap, then they are read; junk names the setting', () => {
      const c = load({ ...secrets, WEBHOOK_RETRY_SCHEDULE: '0,1s,2s', WEBHOOK_SECRET_ROTATION_OVERLAP: '3s' });
      expect(c.webhooks).toMatchObject({ retryScheduleMs: [0, 1000, 2000], secretOverlapMs: 3000 });
      expect(() => load({ ...secrets, WEBHOOK_RETRY_SCHEDULE: '0,1x' })).toThrow(/WEBHOOK_RETRY_SCHEDULE "1x"/);
      expect(() => load({ ...secrets, WEBHOOK_SECRET_ROTATION_OVERLAP: 'forever' })).toThrow(
        /WEBHOOK_SECRET_ROTATION_OVERLAP must be a duration/,
      );
      expect(() => load({ ...secrets, WEBHOOK_TIMEOUT_MS: '5' })).toThrow(/WEBHOOK_TIMEOUT_MS must be between/);
    });

    it('given fail-over timings, then they are read; below the floor names the setting', () => {
      const c = load({ ...secrets, WEBHOOK_LOCK_MS: '5000', WEBHOOK_STALLED_CHECK_MS: '1000' });
      expect(c.webhooks).toMatchObject({ lockMs: 5000, stalledCheckMs: 1000 });
      expect(() => load({ ...secrets, WEBHOOK_LOCK_MS: '10' })).toThrow(/WEBHOOK_LOCK_MS must be between/);
      expect(() => load({ ...secrets, WEBHOOK_STALLED_CHECK_MS: '10' })).toThrow(
        /WEBHOOK_STALLED_CHECK_MS must be between/,
      );
    });
  });

  describe('PARTNER_TENANTS', () => {
    it('given production without it, then start-up stops with one line naming it', () => {
      expect(() => load({ NODE_ENV: 'production', ...secrets })).toThrow(
        new ConfigError(
          'PARTNER_TENANTS',
          'is required in production: the partner tenant GUIDs this service serves, as guid[:name],...',
        ),
      );
    });

    it('given development without it, then the dev token’s tenant is the one partner', () => {
      expect(load({ ...secrets }).partnerTenants).toEqual([
        { tenantId: '6f1c3a52-0d5e-4d2b-9a53-6a4c5d1e8b01', name: 'Local development partner' },
      ]);
    });

    it('reads guid[:name],... (lowercased ids, names optional, spaces trimmed)', () => {
      const b = 'B0B0B0B0-0000-4000-8000-000000000002';
      expect(load({ ...secrets, PARTNER_TENANTS: `${PARTNER_A}:Fabrikam CSP , ${b}` }).partnerTenants).toEqual([
        { tenantId: PARTNER_A, name: 'Fabrikam CSP' },
        { tenantId: b.toLowerCase() },
      ]);
    });

    it.each([
      ['contoso:Contoso', /PARTNER_TENANTS holds "contoso", which is not a tenant GUID/],
      [`${PARTNER_A},${PARTNER_A.toUpperCase()}`, /PARTNER_TENANTS lists .* twice/],
      [' , ', /PARTNER_TENANTS lists no tenant/],
    ])('refuses %s', (value, message) => {
      expect(() => load({ ...secrets, PARTNER_TENANTS: value })).toThrow(message);
    });
  });

  it('reads the propagation settings', () => {
    const c = load({
      ...secrets,
      PROPAGATION_CONCURRENCY: '4',
      PROPAGATION_ATTEMPTS: '3',
      PROPAGATION_BACKOFF_MS: '100',
      PROPAGATION_RECONCILE_EVERY_MS: '1000',
      PROPAGATION_LOCK_MS: '2000',
      PROPAGATION_STALLED_CHECK_MS: '1000',
      PROPAGATION_TEST_STEP_DELAY_MS: '700',
    });
    expect(c.propagation).toEqual({
      concurrency: 4,
      attempts: 3,
      backoffMs: 100,
      reconcileEveryMs: 1000,
      lockMs: 2000,
      stalledCheckMs: 1000,
      testStepDelayMs: 700,
    });
    expect(Object.isFrozen(c.propagation)).toBe(true);
  });

  it('reads REQUIRE_CANCELLATION_ACK (off by default) and refuses a value that is not a boolean', () => {
    expect(load(secrets).requireCancellationAck).toBe(false);
    expect(load({ ...secrets, REQUIRE_CANCELLATION_ACK: 'true' }).requireCancellationAck).toBe(true);
    expect(() => load({ ...secrets, REQUIRE_CANCELLATION_ACK: 'maybe' })).toThrow(/REQUIRE_CANCELLATION_ACK/);
  });

  it('reads QUEUE_NAMESPACE (trimmed; blank or unset: none, the queues then take the database name)', () => {
    expect(load({ ...secrets, QUEUE_NAMESPACE: ' tenant_a ' }).queueNamespace).toBe('tenant_a');
    expect(load({ ...secrets, QUEUE_NAMESPACE: ' ' }).queueNamespace).toBeUndefined();
    expect(load({ ...secrets }).queueNamespace).toBeUndefined();
  });

  it('treats empty values as unset', () => {
    expect(load({ ...secrets, PORT: '', REDIS_URL: '  ' })).toMatchObject({ port: 3000, redisUrl: undefined });
  });

  it('keeps idempotency records 24 hours unless IDEMPOTENCY_RETENTION_HOURS says otherwise (1 hour to a year)', () => {
    expect(load({ ...secrets }).idempotencyRetentionHours).toBe(24);
    expect(load({ ...secrets, IDEMPOTENCY_RETENTION_HOURS: '72' }).idempotencyRetentionHours).toBe(72);
    expect(() => load({ ...secrets, IDEMPOTENCY_RETENTION_HOURS: '0' })).toThrow(
      /^Configuration error: IDEMPOTENCY_RETENTION_HOURS must be between 1 and 8784 \(got 0\)$/,
    );
    expect(() => load({ ...secrets, IDEMPOTENCY_RETENTION_HOURS: '1.5' })).toThrow(
      /^Configuration error: IDEMPOTENCY_RETENTION_HOURS must be a whole number/,
    );
  });
});

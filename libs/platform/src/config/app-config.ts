import { join } from 'node:path';
import { ConfigError } from './config.error';
import { checkSecretLength, resolveSecret } from './local-secret';
import { parsePartnerTenants, type PartnerTenantSetting } from './partner-tenants';
import { loadOperatorSettings, OperatorSettings } from './operator-config';
import { loadWebhookSettings, type WebhookSettings } from './webhook-config';
import { loadKeyCustodySettings, type KeyCustodySettings } from './key-custody-config';
import { absolute, bool, int, settingsOf, url, type Env } from './config-values';
import { loadStorageSettings } from './storage-config';
import { AuditSettings, resolveAuditSettings } from './audit-config';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export const PROCESS_ROLES = ['all', 'api', 'worker'] as const;
export type ProcessRole = (typeof PROCESS_ROLES)[number];

/** Validated runtime configuration. Injected in Nest as the `AppConfig` class token. */
export class AppConfig {
  readonly nodeEnv!: string;
  readonly production!: boolean;
  readonly port!: number;
  readonly host!: string;
  /** Unset: the embedded PostgreSQL under dataDir. */
  readonly databaseUrl?: string;
  /** Absolute path. */
  readonly dataDir!: string;
  /** Unset: events go to the PostgreSQL store. */
  readonly eventStoreUrl?: string;
  /** Unset: the queue backend runs on PostgreSQL. */
  readonly redisUrl?: string;
  /** QUEUE_NAMESPACE: the queues' Redis key prefix or PostgreSQL schema; unset: the database's name. */
  readonly queueNamespace?: string;
  readonly auth!: {
    /** HS256 secret; undefined when a JWKS URL is configured and no secret is given. */
    readonly jwtSecret?: string;
    readonly jwksUrl?: string;
    readonly issuer?: string;
    readonly audience?: string;
  };
  readonly logLevel!: LogLevel;
  readonly keyDerivationSecret!: string;
  readonly linkSigningSecret!: string;
  readonly downloadLinkTtlDays!: number;
  readonly downloadLinkMaxDownloads!: number;
  /** How long a first response is kept for MS-RequestId retries before the purge job forgets it. */
  readonly idempotencyRetentionHours!: number;
  /** Absolute path. */
  readonly artifactsDir!: string;
  /** Without a trailing slash. */
  readonly publicBaseUrl!: string;
  /** 0 disables the limiter. */
  readonly rateLimitPerMinute!: number;
  readonly bodyLimitBytes!: number;
  readonly role!: ProcessRole;
  /** API_WORKERS: api processes `npm start` runs on the one port (node:cluster); 1 = this process alone. */
  readonly apiWorkers!: number;
  readonly trustProxy!: boolean;
  /** Cancellation propagation, worker side (PROPAGATION_*). */
  readonly propagation!: PropagationSettings;
  /** PARTNER_TENANTS: partners registered at start (the operator CLI adds more). */
  readonly partnerTenants!: readonly PartnerTenantSetting[];
  /** REQUIRE_CANCELLATION_ACK: a cancel must carry acknowledgedCancellationNotice: true. */
  readonly requireCancellationAck!: boolean;
  /** /admin/queues and /metrics credentials (OPERATOR_TOKEN, METRICS_TOKEN, QUEUE_DASHBOARD_WRITE). */
  readonly operator!: OperatorSettings;
  /** Webhook delivery (WEBHOOK_*). */
  readonly webhooks!: WebhookSettings;
  /** Key custody: LICENSING_ADAPTER, KEY_ENCRYPTION_KEYS, KEY_POOL_* (issue 15). */
  readonly keyCustody!: KeyCustodySettings;
  /** The audit trail's digest signing keys and period (AUDIT_SIGNING_KEYS, AUDIT_DIGEST_EVERY_MS). */
  readonly audit!: AuditSettings;

  constructor(values: AppConfigValues) {
    Object.assign(this, values);
    Object.freeze(this);
  }
}

/**
 * How soon a job of a killed worker (SIGKILL, lost machine) is run by another: its lock expires at most
 * PROPAGATION_LOCK_MS after the last renewal (every half of it), and the next stalled check (every
 * PROPAGATION_STALLED_CHECK_MS, one per queue across all workers) moves it back to wait: at most lock + check,
 * about 10 s (BullMQ's 30 s + 30 s took about a minute). Shorter still costs more renewals, and a worker whose event
 * loop stalls longer than half the lock loses it and the job runs twice; every propagation step is idempotent
 * (docs/scaling.md).
 */
export const PROPAGATION_LOCK_MS_DEFAULT = 8_000;
export const PROPAGATION_STALLED_CHECK_MS_DEFAULT = 2_000;

export interface PropagationSettings {
  /** Propagation jobs run at once per worker process. */
  readonly concurrency: number;
  /** Tries per job, the first included. */
  readonly attempts: number;
  /** First retry backoff; doubles each time. */
  readonly backoffMs: number;
  /** Period of the reconciler (and of the watchdog that re-creates its scheduler). */
  readonly reconcileEveryMs: number;
  /** BullMQ job lock: a killed worker's job is taken over after this and the next stalled check. */
  readonly lockMs: number;
  readonly stalledCheckMs: number;
  /** Tests only: a pause inside each propagation job, after the keys step. */
  readonly testStepDelayMs: number;
}

export type AppConfigValues = { -readonly [K in keyof AppConfig]: AppConfig[K] };

export interface LoadConfigOptions {
  /** Where a "generated a local secret" warning goes (default: console.warn). */
  warn?: (message: string) => void;
  /** Base for relative DATA_DIR / ARTIFACTS_DIR (default: process.cwd()). */
  cwd?: string;
}

/**
 * Reads and validates the environment. Throws ConfigError (one line naming the variable) on the first
 * bad value. Its only side effect: outside production, missing secrets are generated once under DATA_DIR.
 */
export function loadConfig(env: Env = process.env, options: LoadConfigOptions = {}): AppConfig {
  const get = settingsOf(env);
  const cwd = options.cwd ?? process.cwd();
  const warn = options.warn ?? ((m: string) => console.warn(m));
  const nodeEnv = get('NODE_ENV') ?? 'development';
  const production = nodeEnv === 'production';

  const port = int(get, 'PORT', 3000, 1, 65535);
  const host = get('HOST') ?? '0.0.0.0';
  const { databaseUrl, dataDir, eventStoreUrl } = loadStorageSettings(get, cwd);
  const redisUrl = url(get, 'REDIS_URL', ['redis:', 'rediss:'], false);
  const queueNamespace = get('QUEUE_NAMESPACE');

  const jwksUrl = url(get, 'AUTH_JWKS_URL', ['https:', 'http:'], true);
  const rawJwtSecret = get('AUTH_JWT_SECRET');
  let jwtSecret: string | undefined;
  if (jwksUrl) {
    if (rawJwtSecret !== undefined) checkSecretLength('AUTH_JWT_SECRET', rawJwtSecret);
    jwtSecret = rawJwtSecret;
  } else {
    jwtSecret = resolveSecret({ name: 'AUTH_JWT_SECRET', value: rawJwtSecret, dataDir, production, warn }).value;
  }
  const issuer = get('AUTH_ISSUER');
  const audience = get('AUTH_AUDIENCE');
  if (production && jwksUrl) {
    // Keys of a shared identity provider sign tokens for other apps too: only iss + aud make them ours.
    if (new URL(jwksUrl).protocol !== 'https:')
      throw new ConfigError('AUTH_JWKS_URL', 'must be https:// in production');
    if (!issuer) throw new ConfigError('AUTH_ISSUER', 'is required in production when AUTH_JWKS_URL is set');
    if (!audience) throw new ConfigError('AUTH_AUDIENCE', 'is required in production when AUTH_JWKS_URL is set');
  }

  const logLevel = (get('LOG_LEVEL') ?? 'info').toLowerCase();
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    throw new ConfigError('LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')} (got "${logLevel}")`);
  }
  const keyDerivationSecret = resolveSecret({
    name: 'KEY_DERIVATION_SECRET',
    value: get('KEY_DERIVATION_SECRET'),
    dataDir,
    production,
    warn,
  }).value;
  const linkSigningSecret = resolveSecret({
    name: 'LINK_SIGNING_SECRET',
    value: get('LINK_SIGNING_SECRET'),
    dataDir,
    production,
    warn,
  }).value;

  const downloadLinkTtlDays = int(get, 'DOWNLOAD_LINK_TTL_DAYS', 14, 1, 3650);
  const downloadLinkMaxDownloads = int(get, 'DOWNLOAD_LINK_MAX_DOWNLOADS', 50, 1, 1_000_000);
  const idempotencyRetentionHours = int(get, 'IDEMPOTENCY_RETENTION_HOURS', 24, 1, 24 * 366);
  const artifactsDir = absolute(get('ARTIFACTS_DIR') ?? join(dataDir, 'artifacts'), cwd);
  const publicBaseUrl = (url(get, 'PUBLIC_BASE_URL', ['http:', 'https:'], true) ?? `http://localhost:${port}`).replace(
    /\/+$/,
    '',
  );
  const rateLimitPerMinute = int(get, 'RATE_LIMIT_PER_MINUTE', 500, 0, 10_000_000);
  const bodyLimitBytes = int(get, 'BODY_LIMIT_BYTES', 1024 * 1024, 1024, 1024 * 1024 * 1024);

  const role = (get('ROLE') ?? 'all').toLowerCase();
  if (!(PROCESS_ROLES as readonly string[]).includes(role)) {
    throw new ConfigError('ROLE', `must be one of ${PROCESS_ROLES.join(', ')} (got "${role}")`);
  }
  const apiWorkers = int(get, 'API_WORKERS', 1, 1, 64);
  const trustProxy = bool(get, 'TRUST_PROXY', false);
  const requireCancellationAck = bool(get, 'REQUIRE_CANCELLATION_ACK', false);
  const propagation: PropagationSettings = Object.freeze({
    concurrency: int(get, 'PROPAGATION_CONCURRENCY', 16, 1, 100),
    attempts: int(get, 'PROPAGATION_ATTEMPTS', 8, 1, 50),
    backoffMs: int(get, 'PROPAGATION_BACKOFF_MS', 2000, 1, 600_000),
    reconcileEveryMs: int(get, 'PROPAGATION_RECONCILE_EVERY_MS', 60_000, 100, 3_600_000),
    lockMs: int(get, 'PROPAGATION_LOCK_MS', PROPAGATION_LOCK_MS_DEFAULT, 1000, 600_000),
    stalledCheckMs: int(get, 'PROPAGATION_STALLED_CHECK_MS', PROPAGATION_STALLED_CHECK_MS_DEFAULT, 500, 600_000),
    testStepDelayMs: int(get, 'PROPAGATION_TEST_STEP_DELAY_MS', 0, 0, 600_000),
  });
  const operator = loadOperatorSettings(get, production, (n, f) => bool(get, n, f));

  const partnerTenants = parsePartnerTenants(get('PARTNER_TENANTS'), production);
  const webhooks = loadWebhookSettings(get, {
    production,
    dataDir,
    warn,
    int: (n, f, min, max) => int(get, n, f, min, max),
    bool: (n, f) => bool(get, n, f),
    failOver: { lockMs: PROPAGATION_LOCK_MS_DEFAULT, stalledCheckMs: PROPAGATION_STALLED_CHECK_MS_DEFAULT },
  });
  const keyCustody = loadKeyCustodySettings(
    get,
    production,
    (n, f) => bool(get, n, f),
    (n, f, min, max) => int(get, n, f, min, max),
  );
  const audit = resolveAuditSettings(get, dataDir, production, (n, f, min, max) => int(get, n, f, min, max), warn);

  return new AppConfig({
    nodeEnv,
    production,
    port,
    host,
    databaseUrl,
    dataDir,
    eventStoreUrl,
    redisUrl,
    queueNamespace,
    auth: Object.freeze({ jwtSecret, jwksUrl, issuer, audience }),
    logLevel: logLevel as LogLevel,
    keyDerivationSecret,
    linkSigningSecret,
    downloadLinkTtlDays,
    downloadLinkMaxDownloads,
    idempotencyRetentionHours,
    artifactsDir,
    publicBaseUrl,
    rateLimitPerMinute,
    bodyLimitBytes,
    role: role as ProcessRole,
    apiWorkers,
    trustProxy,
    propagation,
    partnerTenants,
    requireCancellationAck,
    operator,
    webhooks,
    keyCustody,
    audit,
  });
}

let cached: AppConfig | undefined;

/** The process-wide config (loaded from process.env on first use). main.ts may prime it with setAppConfig. */
export function getAppConfig(): AppConfig {
  cached ??= loadConfig(process.env);
  return cached;
}

export function setAppConfig(config: AppConfig | undefined): void {
  cached = config;
}

/**
 * For main.ts: load the config or print the ConfigError's one line and exit 1.
 * Any other error is rethrown (it is a bug, not a setting).
 */
export function loadConfigOrExit(env: Env = process.env): AppConfig {
  try {
    const config = loadConfig(env);
    setAppConfig(config);
    return config;
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
}

import { ConfigError } from './config.error';

export const LICENSING_ADAPTERS = ['pool', 'derived'] as const;
export type LicensingAdapterName = (typeof LICENSING_ADAPTERS)[number];

/** Key custody (issue 15): where product keys come from and how the pool's keys are encrypted at rest. */
export interface KeyCustodySettings {
  /** LICENSING_ADAPTER: `pool` (imported keys; the production default) or `derived` (HMAC of the order line). */
  readonly adapter: LicensingAdapterName;
  /** KEY_ENCRYPTION_KEYS, first = current; empty in derived mode unless given. */
  readonly keyEncryptionKeys: readonly { readonly kid: string; readonly key: Buffer }[];
  /** KEY_POOL_LOW_WATERMARK: the low watermark of an offer and version nobody has tuned. */
  readonly defaultLowWatermark: number;
  /** KEY_POOL_IMPORT_BODY_LIMIT_BYTES: body limit of POST /v1/keypool/imports (100,000 keys need ~9 MB). */
  readonly importBodyLimitBytes: number;
}

type Get = (name: string) => string | undefined;
const KID = /^[A-Za-z0-9._-]{1,32}$/;

/**
 * LICENSING_ADAPTER, ALLOW_DERIVED_KEYS, KEY_ENCRYPTION_KEYS. Production refuses derived keys unless explicitly
 * allowed; pool mode refuses to start without well-formed KEKs. Messages never echo key material.
 */
export function loadKeyCustodySettings(
  get: Get,
  production: boolean,
  bool: (name: string, fallback: boolean) => boolean,
  int: (name: string, fallback: number, min: number, max: number) => number,
): KeyCustodySettings {
  const raw = (get('LICENSING_ADAPTER') ?? (production ? 'pool' : 'derived')).toLowerCase();
  if (!(LICENSING_ADAPTERS as readonly string[]).includes(raw))
    throw new ConfigError('LICENSING_ADAPTER', `must be one of ${LICENSING_ADAPTERS.join(', ')} (got "${raw}")`);
  const adapter = raw as LicensingAdapterName;
  if (production && adapter === 'derived' && !bool('ALLOW_DERIVED_KEYS', false))
    throw new ConfigError(
      'LICENSING_ADAPTER',
      'is "derived" in production: derived keys are not real vendor keys; use "pool" or set ALLOW_DERIVED_KEYS=true',
    );
  const rawKeks = get('KEY_ENCRYPTION_KEYS');
  if (adapter === 'pool' && (rawKeks === undefined || rawKeks.trim() === ''))
    throw new ConfigError(
      'KEY_ENCRYPTION_KEYS',
      'is required when LICENSING_ADAPTER=pool: kid:base64-of-32-bytes,... (the first encrypts)',
    );
  return Object.freeze({
    adapter,
    keyEncryptionKeys: rawKeks ? parseKeks(rawKeks) : [],
    defaultLowWatermark: int('KEY_POOL_LOW_WATERMARK', 10, 0, 1_000_000),
    importBodyLimitBytes: int('KEY_POOL_IMPORT_BODY_LIMIT_BYTES', 16 * 1024 * 1024, 1024, 1024 * 1024 * 1024),
  });
}

/** KEY_ENCRYPTION_KEYS alone, required and validated (the `keys rewrap` operator command). */
export function keyEncryptionKeysFrom(env: Record<string, string | undefined>): { kid: string; key: Buffer }[] {
  const raw = env.KEY_ENCRYPTION_KEYS?.trim();
  if (!raw)
    throw new ConfigError('KEY_ENCRYPTION_KEYS', 'is required: kid:base64-of-32-bytes,... (the first encrypts)');
  return parseKeks(raw);
}

function parseKeks(raw: string): { kid: string; key: Buffer }[] {
  const seen = new Set<string>();
  return raw.split(',').map((entry, i) => {
    const at = entry.indexOf(':');
    const kid = at < 0 ? '' : entry.slice(0, at).trim();
    const b64 = at < 0 ? '' : entry.slice(at + 1).trim();
    const where = `entry ${i + 1}`;
    if (!KID.test(kid))
      throw new ConfigError(
        'KEY_ENCRYPTION_KEYS',
        `${where} must be kid:base64 with a kid of 1-32 letters, digits, . _ -`,
      );
    if (seen.has(kid)) throw new ConfigError('KEY_ENCRYPTION_KEYS', `names kid "${kid}" twice`);
    seen.add(kid);
    const key = /^[A-Za-z0-9+/]+={0,2}$/.test(b64) ? Buffer.from(b64, 'base64') : Buffer.alloc(0);
    if (key.length !== 32)
      throw new ConfigError('KEY_ENCRYPTION_KEYS', `kid "${kid}" must be the base64 of exactly 32 random bytes`);
    return { kid, key };
  });
}

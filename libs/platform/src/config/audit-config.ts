// Plain Node only (the CLIs import the config without Nest).
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, KeyObject } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ConfigError } from './config.error';

/** One Ed25519 signing key of the audit digests; the first of AUDIT_SIGNING_KEYS signs new digests. */
export interface AuditSigningKey {
  readonly kid: string;
  readonly privateKey: KeyObject;
}

export interface AuditSettings {
  /** First = current; the others stay published so that older digests keep verifying. */
  readonly signingKeys: readonly AuditSigningKey[];
  /** Period of the digest producer (AUDIT_DIGEST_EVERY_MS). */
  readonly digestEveryMs: number;
}

const NAME = 'AUDIT_SIGNING_KEYS';
const KID = /^[A-Za-z0-9._-]{1,64}$/;
/** Where a developer machine keeps its generated key (never used in production). */
export const LOCAL_AUDIT_KEY_FILE = 'audit-signing-key';

/** `kid:base64-pkcs8,...`: each an Ed25519 private key in PKCS#8 DER, base64. Never echoes a key. */
export function parseAuditSigningKeys(raw: string): AuditSigningKey[] {
  const keys = raw.split(',').map((entry, i) => {
    const at = entry.indexOf(':');
    const kid = entry.slice(0, at).trim();
    if (at < 0 || !KID.test(kid))
      throw new ConfigError(NAME, `entry ${i + 1} must be kid:base64-pkcs8 with a kid of letters, digits, . _ -`);
    let privateKey: KeyObject;
    try {
      privateKey = createPrivateKey({
        key: Buffer.from(entry.slice(at + 1).trim(), 'base64'),
        format: 'der',
        type: 'pkcs8',
      });
    } catch {
      throw new ConfigError(NAME, `key ${kid} is not a base64 PKCS#8 private key`);
    }
    if (privateKey.asymmetricKeyType !== 'ed25519') throw new ConfigError(NAME, `key ${kid} is not an Ed25519 key`);
    return { kid, privateKey };
  });
  const kids = keys.map((k) => k.kid);
  const twice = kids.find((k, i) => kids.indexOf(k) !== i);
  if (twice) throw new ConfigError(NAME, `names key ${twice} twice`);
  return keys;
}

/**
 * The environment wins; production refuses to start without it. Elsewhere one key is generated under DATA_DIR
 * once (kid `local-` + a hash of its public key), so `npm start` signs digests with zero setup.
 */
export function resolveAuditSettings(
  get: (name: string) => string | undefined,
  dataDir: string,
  production: boolean,
  int: (name: string, fallback: number, min: number, max: number) => number,
  warn: (message: string) => void,
): AuditSettings {
  const digestEveryMs = int('AUDIT_DIGEST_EVERY_MS', 60_000, 50, 86_400_000);
  const raw = get(NAME);
  if (raw !== undefined)
    return Object.freeze({ signingKeys: Object.freeze(parseAuditSigningKeys(raw)), digestEveryMs });
  if (production) {
    throw new ConfigError(
      NAME,
      'is required in production: kid:base64-pkcs8-ed25519-key,... (the first signs the audit digests)',
    );
  }
  const file = join(dataDir, LOCAL_AUDIT_KEY_FILE);
  if (!existsSync(file)) {
    const { privateKey } = generateKeyPairSync('ed25519');
    const spki = createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
    const kid = `local-${createHash('sha256').update(spki).digest('hex').slice(0, 12)}`;
    try {
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, `${kid}:${privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64')}\n`, {
        mode: 0o600,
        flag: 'wx',
      });
      chmodSync(file, 0o600);
      warn(`${NAME} is unset: generated a local one in ${file} (set ${NAME} in production)`);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST')
        throw new ConfigError(NAME, `is unset and could not be written to ${file}: ${(err as Error).message}`);
    }
  }
  const stored = readFileSync(file, 'utf8').trim();
  try {
    return Object.freeze({ signingKeys: Object.freeze(parseAuditSigningKeys(stored)), digestEveryMs });
  } catch (error) {
    if (error instanceof ConfigError)
      throw new ConfigError(NAME, `in ${file} is not valid; delete the file to regenerate it`);
    throw error;
  }
}

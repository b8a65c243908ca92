// Plain Node only: the token CLI (run by tsx, no decorator metadata) imports this file directly.
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { ConfigError } from './config.error';

export const MIN_SECRET_LENGTH = 32;

/** File names under DATA_DIR for the secrets generated on a developer machine. */
export const LOCAL_SECRET_FILES = {
  AUTH_JWT_SECRET: 'jwt-secret',
  KEY_DERIVATION_SECRET: 'key-derivation-secret',
  LINK_SIGNING_SECRET: 'link-signing-secret',
  WEBHOOK_SECRETS_KEY: 'webhook-secrets-key',
} as const;

export type LocalSecretName = keyof typeof LOCAL_SECRET_FILES;

export interface ResolveSecretOptions {
  name: LocalSecretName;
  /** The value from the environment, if any. */
  value: string | undefined;
  dataDir: string;
  production: boolean;
  /** Called once when a new secret is generated and written. */
  warn?: (message: string) => void;
}

export interface ResolvedSecret {
  value: string;
  source: 'env' | 'file' | 'generated';
  file?: string;
}

/**
 * The environment wins; in production a missing secret is an error. Elsewhere the secret is read from
 * DATA_DIR (or generated there once), so `npm start` works on a fresh machine and `npm run token`
 * signs with the same secret the server verifies with.
 */
export function resolveSecret(options: ResolveSecretOptions): ResolvedSecret {
  const { name, value, dataDir, production } = options;
  if (value !== undefined && value !== '') {
    checkSecretLength(name, value);
    return { value, source: 'env' };
  }
  if (production) throw new ConfigError(name, 'is required in production (at least 32 characters)');
  const file = resolve(join(dataDir, LOCAL_SECRET_FILES[name]));
  if (existsSync(file)) {
    const stored = readFileSync(file, 'utf8').trim();
    if (stored.length < MIN_SECRET_LENGTH) {
      throw new ConfigError(
        name,
        `in ${file} is shorter than ${MIN_SECRET_LENGTH} characters; delete the file to regenerate it`,
      );
    }
    return { value: stored, source: 'file', file };
  }
  const generated = randomBytes(48).toString('base64url');
  try {
    mkdirSync(dirname(file), { recursive: true });
    // 'wx' so two processes starting together cannot overwrite each other's secret.
    writeFileSync(file, `${generated}\n`, { encoding: 'utf8', mode: 0o600, flag: 'wx' });
    chmodSync(file, 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return resolveSecret(options);
    throw new ConfigError(name, `is unset and could not be written to ${file}: ${(err as Error).message}`);
  }
  options.warn?.(`${name} is unset: generated a local one in ${file} (set ${name} in production)`);
  return { value: generated, source: 'generated', file };
}

export function checkSecretLength(name: string, value: string): void {
  if (value.length < MIN_SECRET_LENGTH) {
    throw new ConfigError(name, `must be at least ${MIN_SECRET_LENGTH} characters (got ${value.length})`);
  }
}

// Where the service keeps its data: what the api, the worker and the operator CLIs must agree on.
import { absolute, settingsOf, url, type Env, type Get } from './config-values';

export interface StorageSettings {
  /** Unset: the embedded PostgreSQL under dataDir. */
  readonly databaseUrl?: string;
  /** Absolute path. */
  readonly dataDir: string;
  /** Unset: events go to the PostgreSQL store. */
  readonly eventStoreUrl?: string;
}

/** DATABASE_URL, DATA_DIR, EVENTSTORE_URL, validated (a bad URL is described, never echoed: it may hold a password). */
export function loadStorageSettings(get: Get, cwd: string): StorageSettings {
  return {
    databaseUrl: url(get, 'DATABASE_URL', ['postgres:', 'postgresql:'], false),
    dataDir: absolute(get('DATA_DIR') ?? './data', cwd),
    eventStoreUrl: url(get, 'EVENTSTORE_URL', ['kurrentdb:', 'kurrentdb+discover:', 'esdb:', 'esdb+discover:'], false, {
      multiHost: true,
    }),
  };
}

/**
 * For the operator CLIs, which need the storage but none of the service's secrets: the same validation as at
 * start-up (a ConfigError naming the variable).
 */
export const loadStorageConfig = (env: Env, cwd: string = process.cwd()): StorageSettings =>
  loadStorageSettings(settingsOf(env), cwd);

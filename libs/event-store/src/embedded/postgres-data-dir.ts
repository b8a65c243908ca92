import { existsSync } from 'node:fs';
import { chmod, chown, mkdir, readdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { logInfo, type EventStoreLogger } from '../event-store.logger';
import { EmbeddedPostgresUnavailableError } from './embedded-postgres-unavailable.error';
import { RELOCATION_BASE, relocatedDataDir } from './embedded-postgres.paths';
import { canReach, type PostgresIdentity } from './postgres-identity';

export interface PreparedDataDir {
  dataDir: string;
  initialised: boolean;
}

const entriesOf = async (dir: string): Promise<string[]> => (existsSync(dir) ? readdir(dir) : []);

/** An empty data directory for `identity`: mode 700, owned by it (PostgreSQL insists on both). */
async function claim(dir: string, identity: PostgresIdentity | undefined): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  if (identity) await chown(dir, identity.uid, identity.gid);
  await chmod(dir, 0o700);
}

/**
 * The data directory PostgreSQL will use. Normally `requested`; as root, when the PostgreSQL user cannot
 * reach it (a clone in root's or another private home), a directory under /var/lib/csp-orders that
 * stands in for it, the same one on every start from that clone.
 */
export async function prepareDataDir(
  requested: string,
  identity: PostgresIdentity | undefined,
  logger: EventStoreLogger,
  base = RELOCATION_BASE,
): Promise<PreparedDataDir> {
  // The parent is traversable by all: as root the server runs as another user, which must reach the directory.
  await mkdir(dirname(requested), { recursive: true, mode: 0o755 });
  const entries = await entriesOf(requested);
  const initialised = entries.includes('PG_VERSION');
  if (!initialised && entries.length > 0) {
    throw new Error(`embedded PostgreSQL: ${requested} is not empty and is not a PostgreSQL data directory`);
  }
  if (initialised && canReach(identity, requested, true)) return { dataDir: requested, initialised };

  const relocated = identity ? relocatedDataDir(base, requested) : undefined;
  if (relocated && (await entriesOf(relocated)).includes('PG_VERSION')) {
    logInfo(logger, `embedded PostgreSQL: data for ${requested} kept in ${relocated}`);
    return { dataDir: relocated, initialised: true };
  }
  if (initialised) {
    throw new EmbeddedPostgresUnavailableError(
      `its data directory ${requested} is out of reach of user ${identity?.name ?? 'running the service'}`,
    );
  }
  // As root we create the directory ourselves: the PostgreSQL user only has to be able to traverse to it.
  if (!identity || canReach(identity, dirname(requested))) {
    await claim(requested, identity);
    if (canReach(identity, requested, true)) return { dataDir: requested, initialised: false };
  }
  if (!identity) {
    throw new EmbeddedPostgresUnavailableError(`its data directory ${requested} is not writable by this user`);
  }
  const target = relocated as string;
  try {
    await mkdir(dirname(target), { recursive: true, mode: 0o755 });
    await chmod(base, 0o755);
    await chmod(dirname(target), 0o755);
    await claim(target, identity);
  } catch (error) {
    throw new EmbeddedPostgresUnavailableError(
      `its data directory ${requested} is out of reach of user ${identity.name} and ${base} could not be created (${(error as Error).message})`,
    );
  }
  if (!canReach(identity, target, true)) {
    throw new EmbeddedPostgresUnavailableError(`user ${identity.name} cannot write to ${target} either`);
  }
  logInfo(
    logger,
    `embedded PostgreSQL: ${requested} is out of reach of user ${identity.name} (a private directory); its data is kept in ${target}`,
  );
  return { dataDir: target, initialised: false };
}

import { existsSync, readFileSync } from 'node:fs';
import { chmod, cp, mkdir, rename, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { arch, platform } from 'node:os';
import { dirname, join } from 'node:path';
import { describeError, logInfo, type EventStoreLogger } from '../event-store.logger';
import { EmbeddedPostgresUnavailableError } from './embedded-postgres-unavailable.error';
import { binaryPackageName, RELOCATION_BASE, relocatedInstallDir } from './embedded-postgres.paths';
import { canReach, type PostgresIdentity } from './postgres-identity';

/** The PostgreSQL binaries the `embedded-postgres` package installs for this platform (its `native` directory). */
export interface PostgresInstall {
  dir: string;
  version: string;
  initdb: string;
  postgres: string;
}

const installAt = (dir: string, version: string): PostgresInstall => ({
  dir,
  version,
  initdb: join(dir, 'bin', 'initdb'),
  postgres: join(dir, 'bin', 'postgres'),
});

export function locatePostgresInstall(): PostgresInstall {
  const name = binaryPackageName(platform(), arch());
  let entry: string;
  try {
    entry = createRequire(__filename).resolve(name);
  } catch {
    throw new EmbeddedPostgresUnavailableError(
      `no PostgreSQL binaries for ${platform()}/${arch()} are installed (the optional package ${name})`,
    );
  }
  const packageDir = join(dirname(entry), '..');
  const { version } = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { version: string };
  const install = installAt(join(packageDir, 'native'), version);
  if (!existsSync(install.postgres) || !existsSync(install.initdb)) {
    throw new EmbeddedPostgresUnavailableError(`${name} is installed without its binaries (${install.dir})`);
  }
  return install;
}

/**
 * The binaries as `identity` can run them: where they are, or (root cloning into a private home)
 * a copy under /var/lib/csp-orders, made once per installation.
 */
export async function reachableInstall(
  install: PostgresInstall,
  identity: PostgresIdentity | undefined,
  logger: EventStoreLogger,
  base = RELOCATION_BASE,
): Promise<PostgresInstall> {
  if (canReach(identity, install.postgres)) return install;
  if (!identity) {
    throw new EmbeddedPostgresUnavailableError(`its binaries in ${install.dir} cannot be executed by this user`);
  }
  const copy = installAt(relocatedInstallDir(base, install.dir, install.version), install.version);
  if (!existsSync(copy.postgres)) {
    logInfo(
      logger,
      `embedded PostgreSQL: ${install.dir} is out of reach of user ${identity.name}; copying to ${copy.dir}`,
    );
    const staging = `${copy.dir}.${process.pid}.tmp`;
    try {
      await mkdir(base, { recursive: true, mode: 0o755 });
      await chmod(base, 0o755);
      await rm(staging, { recursive: true, force: true });
      await cp(install.dir, staging, { recursive: true, verbatimSymlinks: true });
      await chmod(staging, 0o755);
      await rename(staging, copy.dir).catch((error: { code?: string }) => {
        // Another process made the same copy meanwhile.
        if (!existsSync(copy.postgres)) throw error;
      });
    } catch (error) {
      throw new EmbeddedPostgresUnavailableError(
        `its binaries in ${install.dir} are out of reach of user ${identity.name} and copying them to ${base} failed (${describeError(error)})`,
      );
    } finally {
      await rm(staging, { recursive: true, force: true }).catch(() => undefined);
    }
  }
  if (!canReach(identity, copy.postgres)) {
    throw new EmbeddedPostgresUnavailableError(`user ${identity.name} cannot execute ${copy.postgres} either`);
  }
  return copy;
}

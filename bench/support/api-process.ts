import { ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { signLocalToken } from '../../libs/platform/src/auth/token-signer';
import { createBenchDatabase, redisUrl, withClient, type BenchDatabase } from './database';

export const ROOT = resolve(__dirname, '../..');
export const BENCH_SECRET = 'bench-secret-that-is-long-enough-for-hs256-0123456789';

/**
 * tsx (which runs the bench) cannot emit decorator metadata, and `dist/` may be stale or half-built while
 * others work in this checkout. So the service runs in a child `node` with the repository's require hook
 * (scripts/swc-register.js: swc with .swcrc, as jest compiles, and the @csp/* aliases).
 */
const HOOK = join(ROOT, 'scripts/swc-register.js');

export interface ApiProcess {
  baseUrl: string;
  db: BenchDatabase;
  pid: number;
  /** The worker's pid when split. */
  workerPid?: number;
  token(tenantId: string, roles?: string[]): Promise<string>;
  /** Stops the service; the database is dropped unless `keepDatabase`. */
  stop(options?: { keepDatabase?: boolean }): Promise<void>;
}

export interface ServiceBuild {
  /** The compiled api/worker entry point (apps/api/src/main.js). */
  entry: string;
  remove(): Promise<void>;
}

/**
 * `npm run build` of this checkout into a private directory (so that a stale or half-built `dist/` of someone else
 * never runs): tsc then tsc-alias, as the build script does. Under node_modules/.cache, so that the compiled files
 * find node_modules as dist/ does.
 */
export async function buildService(): Promise<ServiceBuild> {
  const dir = await mkdtemp(join(ROOT, 'node_modules/.cache/csp-bench-build-'));
  const outDir = join(dir, 'dist');
  const bin = (name: string) => join(ROOT, 'node_modules/.bin', name);
  try {
    await run(bin('tsc'), ['-p', 'tsconfig.build.json', '--outDir', outDir]);
    await run(bin('tsc-alias'), ['-p', 'tsconfig.build.json', '--outDir', outDir]);
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  return { entry: join(outDir, 'apps/api/src/main.js'), remove: () => rm(dir, { recursive: true, force: true }) };
}

function run(command: string, args: string[]): Promise<void> {
  return new Promise((ok, fail) => {
    const child = spawn(command, args, { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2000)));
    child.once('error', fail);
    child.once('exit', (code) => (code === 0 ? ok() : fail(new Error(`${command} exited ${code}: ${stderr.trim()}`))));
  });
}

export function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.on('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? ok(address.port) : fail(new Error('no port'))));
    });
  });
}

/**
 * The whole service on a fresh database of the machine's PostgreSQL and on Redis: by default one process
 * (api + worker, as `npm start`); with `split`, as production runs it, an api process (ROLE=api) and a
 * worker process (ROLE=worker), so that each gets a core of its own.
 */
export async function startApi(options: {
  prefix: string;
  /** Reuse a database (kept by an earlier `stop({ keepDatabase: true })`). */
  db?: BenchDatabase;
  env?: Record<string, string>;
  split?: boolean;
  /** Tenants registered as partners at start (PARTNER_TENANTS): partners are registered, not inferred. */
  partners: string[];
  /**
   * A build of the service (`buildService()`): run its compiled entry point as production does (`npm start`),
   * without the in-process compiler, whose code and caches would otherwise be part of every memory figure.
   */
  build?: ServiceBuild;
}): Promise<ApiProcess> {
  const db = options.db ?? (await createBenchDatabase(options.prefix));
  const dir = await mkdtemp(join(tmpdir(), 'csp-bench-'));
  const port = await freePort();
  // BENCH_NODE_ARGS (say "--cpu-prof --cpu-prof-dir=/tmp/prof") reaches the service's node, for profiling.
  const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);
  const spawnService = (role: 'all' | 'api' | 'worker'): ChildProcess =>
    spawn(
      process.execPath,
      [...nodeArgs, ...(options.build ? [options.build.entry] : ['-r', HOOK, join(ROOT, 'apps/api/src/main.ts')])],
      {
        cwd: ROOT,
        env: {
          ...process.env,
          NODE_ENV: 'test',
          ROLE: role,
          DATABASE_URL: db.url,
          REDIS_URL: redisUrl(),
          AUTH_JWT_SECRET: BENCH_SECRET,
          KEY_DERIVATION_SECRET: 'key-derivation-secret-for-bench-0123456789abcdef',
          LINK_SIGNING_SECRET: 'link-signing-secret-for-bench-0123456789abcdef',
          WEBHOOK_SECRETS_KEY: 'webhook-secrets-key-for-bench-0123456789abcdef',
          DATA_DIR: join(dir, 'data'),
          LOG_LEVEL: 'silent',
          RATE_LIMIT_PER_MINUTE: '0',
          HOST: '127.0.0.1',
          PORT: String(port),
          PARTNER_TENANTS: options.partners.map((tenant) => `${tenant}:Bench partner`).join(','),
          ...options.env,
        },
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
  const child = spawnService(options.split ? 'api' : 'all');
  const worker = options.split ? spawnService('worker') : undefined;
  let workerStderr = '';
  worker?.stderr?.on('data', (chunk: Buffer) => {
    workerStderr = (workerStderr + chunk.toString()).slice(-4000);
  });
  const workerExited = worker
    ? new Promise<number | null>((r) => worker.once('exit', (code) => r(code)))
    : Promise.resolve(null);
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const baseUrl = `http://127.0.0.1:${port}`;
  const cleanup = async (keepDatabase = false) => {
    if (!keepDatabase) await db.drop().catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  };
  // Ready when /health/ready says so; bounded, and fails fast if the child dies.
  const deadline = Date.now() + 120_000;
  for (;;) {
    const state = await Promise.race([
      exited.then((code) => ({ exited: code })),
      fetch(`${baseUrl}/health/ready`, { signal: AbortSignal.timeout(2000) })
        .then((r) => ({ status: r.status }))
        .catch(() => ({ status: 0 })),
    ]);
    if ('exited' in state) {
      await cleanup();
      throw new Error(`the service exited (${state.exited}) while starting: ${stderr.trim().slice(-1500)}`);
    }
    if (state.status === 200 && (!worker || (await workerRunning(db.url)))) break;
    if (worker && worker.exitCode !== null) {
      child.kill('SIGKILL');
      await cleanup();
      throw new Error(`the worker exited (${worker.exitCode}) while starting: ${workerStderr.trim().slice(-1500)}`);
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      worker?.kill('SIGKILL');
      await cleanup();
      throw new Error(`the service was not ready within 120 s: ${stderr.trim().slice(-1500)}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    baseUrl,
    db,
    pid: child.pid!,
    workerPid: worker?.pid,
    token: (tenantId, roles = ['AdminAgent']) =>
      signLocalToken(
        { sub: `bench-${tenantId.slice(0, 8)}`, upn: `bench@${tenantId.slice(0, 8)}.example`, tid: tenantId, roles },
        { secret: BENCH_SECRET, ttl: '2h' },
      ),
    async stop({ keepDatabase = false } = {}) {
      await Promise.all([stopChild(child, exited), worker ? stopChild(worker, workerExited) : undefined]);
      await cleanup(keepDatabase);
    },
  };
}

async function stopChild(child: ChildProcess, exited: Promise<number | null>): Promise<void> {
  if (child.exitCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

/** The worker is up once its projection runners have taken their locks (one session-level advisory lock each). */
async function workerRunning(url: string): Promise<boolean> {
  return withClient(url, async (c) => {
    const r = await c.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
        WHERE l.locktype = 'advisory' AND a.datname = current_database()`,
    );
    return r.rows[0]!.n > 0;
  }).catch(() => false);
}

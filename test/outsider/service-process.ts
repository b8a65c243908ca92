import { ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createTestDatabase, TestDatabase } from '../support/database';

// The service as an outsider meets it: a separate process started from the repository, reached over HTTP only.

export const ROOT = resolve(__dirname, '../..');

export interface ServiceProcess {
  baseUrl: string;
  /** A bearer token from the repository's own CLI (`npm run token`), signed with the service's secret. */
  token(args: { tenant: string; upn: string; roles: string[] }): Promise<string>;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
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
 * `npm start` runs apps/api/src/main.ts (ROLE=all: the api and the worker in one process). Here the same entry
 * point runs from the sources through scripts/swc-register.js (decorator metadata, as the build emits it), so
 * the test does not depend on a `dist/` that may be stale; on a fresh database and the machine's Redis.
 */
export async function startService(options: { partnerTenants: string[] }): Promise<ServiceProcess> {
  const db: TestDatabase = await createTestDatabase('csp_outsider');
  const dataDir = mkdtempSync(join(tmpdir(), 'csp-outsider-'));
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const secret = `outsider-${randomBytes(24).toString('hex')}`;
  const env = {
    ...process.env,
    NODE_ENV: 'test',
    PORT: String(port),
    HOST: '127.0.0.1',
    PUBLIC_BASE_URL: baseUrl,
    DATABASE_URL: db.url,
    REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
    AUTH_JWT_SECRET: secret,
    DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    RATE_LIMIT_PER_MINUTE: '0',
    // Partners are registered, not inferred: the integrator's tenant is one, as an operator would set it.
    PARTNER_TENANTS: options.partnerTenants.map((tenant) => `${tenant}:Outsider partner`).join(','),
  };
  const child: ChildProcess = spawn(
    process.execPath,
    ['-r', join(ROOT, 'scripts/swc-register.js'), join(ROOT, 'apps/api/src/main.ts')],
    { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const cleanup = async (): Promise<void> => {
    await db.drop().catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
  };

  const deadline = Date.now() + 90_000;
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
    if (state.status === 200) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      await cleanup();
      throw new Error(`the service was not ready within 90 s: ${stderr.trim().slice(-1500)}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }

  return {
    baseUrl,
    token: ({ tenant, upn, roles }) =>
      new Promise((ok, fail) => {
        const args = ['run', '--silent', 'token', '--', '--tenant', tenant, '--upn', upn, '--ttl', '1h'];
        for (const role of roles) args.push('--role', role);
        execFile('npm', args, { cwd: ROOT, env }, (error, stdout, err) =>
          error ? fail(new Error(`npm run token failed: ${err}`)) : ok(stdout.trim()),
        );
      }),
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
        await exited;
        clearTimeout(timer);
      }
      await cleanup();
    },
  };
}

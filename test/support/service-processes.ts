import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signLocalToken } from '@csp/platform';
import { TEST_AUDIT_SIGNING_KEYS } from './app';
import { freePort } from './private-redis';
import { ROOT, sourceEntryArgs } from './source-process';

/**
 * Api processes of the service as production runs them (apps/api/src/main.ts, ROLE=api or API_WORKERS>1), each a
 * real child process from the sources (scripts/swc-register.js, as jest compiles), reached over HTTP only. Every
 * process of one test shares these secrets, as the processes of one deployment do.
 */
export const SHARED_SECRETS = {
  AUTH_JWT_SECRET: 'scale-out-secret-that-is-long-enough-for-hs256-0123456789',
  KEY_DERIVATION_SECRET: 'key-derivation-secret-for-scale-tests-0123456789abcdef',
  LINK_SIGNING_SECRET: 'link-signing-secret-for-scale-tests-0123456789abcdef',
  WEBHOOK_SECRETS_KEY: 'webhook-secrets-key-for-scale-tests-0123456789abcdef',
  AUDIT_SIGNING_KEYS: TEST_AUDIT_SIGNING_KEYS,
};

export interface ServiceProcess {
  child: ChildProcess;
  pid: number;
  baseUrl: string;
  /** Everything it printed (stdout and stderr), in order. */
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(signal: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGTERM, then SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Starts apps/api/src/main.ts with `env` (ROLE=api unless given) on a free loopback port; resolves once
 * /health/ready answers 200, rejects with its output if it exits or is not ready in time.
 */
export async function spawnApi(env: Record<string, string>, readyWithinMs = 120_000): Promise<ServiceProcess> {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'csp-api-'));
  const baseUrl = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, sourceEntryArgs('apps/api/src/main.ts'), {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'test',
      ROLE: 'api',
      LOG_LEVEL: 'info',
      HOST: '127.0.0.1',
      PORT: String(port),
      PUBLIC_BASE_URL: baseUrl,
      DATA_DIR: dataDir,
      ...SHARED_SECRETS,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const collect = (chunk: Buffer): void => {
    out += chunk.toString();
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      rmSync(dataDir, { recursive: true, force: true });
      resolve({ code, signal });
    }),
  );
  const kill = (signal: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    return exited;
  };
  const service: ServiceProcess = {
    child,
    pid: child.pid!,
    baseUrl,
    output: () => out,
    exited,
    kill,
    async stop(graceMs = 20_000) {
      const timer = setTimeout(() => void kill('SIGKILL'), graceMs);
      const result = await kill('SIGTERM');
      clearTimeout(timer);
      return result;
    },
  };
  const deadline = Date.now() + readyWithinMs;
  for (;;) {
    const state = await Promise.race([
      exited.then((e) => ({ exited: e })),
      fetch(`${baseUrl}/health/ready`, { signal: AbortSignal.timeout(2000) })
        .then((r) => ({ status: r.status }))
        .catch(() => ({ status: 0 })),
    ]);
    if ('exited' in state)
      throw new Error(`the api exited (${JSON.stringify(state.exited)}) while starting:\n${out.slice(-3000)}`);
    if (state.status === 200) return service;
    if (Date.now() > deadline) {
      await kill('SIGKILL');
      throw new Error(`the api was not ready within ${readyWithinMs} ms:\n${out.slice(-3000)}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** A bearer token the processes above accept (their shared AUTH_JWT_SECRET). */
export const tokenFor = (tenantId: string, roles: string[] = ['AdminAgent']): Promise<string> =>
  signLocalToken(
    { sub: `agent-${tenantId.slice(0, 8)}`, upn: `agent@${tenantId.slice(0, 8)}.example`, tid: tenantId, roles },
    { secret: SHARED_SECRETS.AUTH_JWT_SECRET, ttl: '1h' },
  );

/** The JSON log lines of a process's output (pino), skipping anything else it printed. */
export function logLines(output: string): Record<string, unknown>[] {
  const lines: Record<string, unknown>[] = [];
  for (const line of output.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      lines.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      // a line cut by the end of the buffer
    }
  }
  return lines;
}

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JWT_SECRET, KEY_SECRET, LINK_SECRET } from './propagation-harness';
import { ROOT, sourceEntryArgs } from '../../support/source-process';

/**
 * Runs apps/worker/src/main.ts in a child process through an swc require hook (the same transform as
 * jest, decorator metadata included): no build of dist/ needed, and it starts in a few seconds.
 */

export interface WorkerProcess {
  child: ChildProcess;
  /** Resolves once the worker has started propagation (reactor, workers, reconciler). */
  ready: Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output(): string;
  kill(signal: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function spawnWorker(env: Record<string, string>): WorkerProcess {
  const dataDir = mkdtempSync(join(tmpdir(), 'csp-worker-'));
  const child = spawn(process.execPath, sourceEntryArgs('apps/worker/src/main.ts'), {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'test',
      ROLE: 'worker',
      LOG_LEVEL: 'info',
      AUTH_JWT_SECRET: JWT_SECRET,
      KEY_DERIVATION_SECRET: KEY_SECRET,
      LINK_SIGNING_SECRET: LINK_SECRET,
      WEBHOOK_SECRETS_KEY: 'webhook-secrets-key-for-tests-0123456789abcdef',
      DATA_DIR: dataDir,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let onReady: () => void;
  let onFail: (e: Error) => void;
  const ready = new Promise<void>((res, rej) => {
    onReady = res;
    onFail = rej;
  });
  const collect = (chunk: Buffer): void => {
    out += chunk.toString();
    if (out.includes('reactor, workers and reconciler started')) onReady();
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) => {
    child.on('exit', (code, signal) => {
      rmSync(dataDir, { recursive: true, force: true });
      onFail(new Error(`worker exited (${code ?? signal}) before it was ready:\n${out.slice(-3000)}`));
      res({ code, signal });
    });
  });
  return {
    child,
    ready,
    exited,
    output: () => out,
    kill(signal) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

import { spawn, type ChildProcess } from 'node:child_process';
import { chown, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeError } from '../event-store.logger';
import { EmbeddedPostgresUnavailableError } from './embedded-postgres-unavailable.error';
import type { PostgresIdentity } from './postgres-identity';
import type { PostgresInstall } from './postgres-install';

/** The last lines PostgreSQL printed, for the error when it does not come up. */
export class OutputTail {
  private readonly lines: string[] = [];
  push(chunk: Buffer | string): void {
    for (const line of String(chunk).split('\n')) {
      if (line.trim()) this.lines.push(line.trim());
    }
    this.lines.splice(0, Math.max(0, this.lines.length - 40));
  }
  last(n = 5): string {
    return this.lines.slice(-n).join(' | ');
  }
}

const READY = 'database system is ready to accept connections';

function spawnAs(
  identity: PostgresIdentity | undefined,
  file: string,
  args: string[],
  output: OutputTail,
  detached: boolean,
): ChildProcess {
  const child = spawn(file, args, {
    ...(identity ? { uid: identity.uid, gid: identity.gid } : {}),
    // Messages in English: readiness is read from them. The child inherits the environment; no setting is read here.
    // eslint-disable-next-line no-restricted-properties
    env: { ...process.env, LC_MESSAGES: 'C' },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group: a Ctrl-C or a group-wide SIGTERM reaches the service, which stops PostgreSQL last.
    detached,
  });
  child.stdout?.on('data', (chunk: Buffer) => output.push(chunk));
  child.stderr?.on('data', (chunk: Buffer) => output.push(chunk));
  return child;
}

function spawnFailure(file: string, error: unknown): Error {
  const code = (error as { code?: string }).code;
  if (code === 'EACCES' || code === 'ENOENT' || code === 'EPERM') {
    return new EmbeddedPostgresUnavailableError(`${file} cannot be executed (${code})`);
  }
  return new Error(`embedded PostgreSQL: ${file} failed to run: ${describeError(error)}`);
}

/** initdb with the superuser password in a file only the PostgreSQL user can read, removed afterwards. */
export async function runInitdb(
  install: PostgresInstall,
  identity: PostgresIdentity | undefined,
  dataDir: string,
  options: { password: string; flags: string[]; output: OutputTail },
): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'csp-orders-initdb-'));
  try {
    const pwfile = join(dir, 'pwfile');
    await writeFile(pwfile, `${options.password}\n`, { mode: 0o600 });
    if (identity) {
      await chown(dir, identity.uid, identity.gid);
      await chown(pwfile, identity.uid, identity.gid);
    }
    const args = [
      `--pgdata=${dataDir}`,
      '--auth=scram-sha-256',
      '--username=postgres',
      `--pwfile=${pwfile}`,
      '--encoding=UTF8',
      '--no-locale',
      ...options.flags,
    ];
    await new Promise<void>((resolve, reject) => {
      const child = spawnAs(identity, install.initdb, args, options.output, false);
      child.once('error', (error) => reject(spawnFailure(install.initdb, error)));
      child.once('close', (code, signal) =>
        code === 0
          ? resolve()
          : reject(
              new Error(`embedded PostgreSQL: initdb failed (${signal ?? `exit ${code}`}): ${options.output.last()}`),
            ),
      );
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export interface PostgresProcess {
  pid: number;
  /** Smart shutdown, then fast after a grace period, escalating if it hangs; resolves once the server has exited. */
  stop(): Promise<void>;
}

/** Starts the server and resolves once it accepts connections. */
export async function startPostgresProcess(
  install: PostgresInstall,
  identity: PostgresIdentity | undefined,
  args: string[],
  output: OutputTail,
  { timeoutMs = 60_000, graceMs = 2_000 } = {},
): Promise<PostgresProcess> {
  const child = spawnAs(identity, install.postgres, args, output, true);
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.once('error', () => resolve()); // never started
  });
  // Whatever ends this process (process.exit after a failed boot, an uncaught error), PostgreSQL goes too.
  const killOnExit = () => child.kill('SIGINT');
  process.once('exit', killOnExit);
  void exited.then(() => process.removeListener('exit', killOnExit));

  const stop = async (): Promise<void> => {
    if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
    // Smart shutdown first: sessions whose pool is closing them (a Terminate in flight) end on their own
    // instead of being cut with 57P01. Anything still connected after the grace period is cut (fast shutdown).
    child.kill('SIGTERM');
    const escalate = (signal: NodeJS.Signals, ms: number) =>
      setTimeout(() => child.exitCode === null && child.signalCode === null && child.kill(signal), ms).unref();
    escalate('SIGINT', graceMs);
    escalate('SIGQUIT', graceMs + 20_000);
    escalate('SIGKILL', graceMs + 30_000);
    await exited;
  };

  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`not ready after ${timeoutMs / 1000}s`)), timeoutMs);
      const onData = (chunk: Buffer) => {
        if (String(chunk).includes(READY)) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stderr?.on('data', onData);
      child.stdout?.on('data', onData);
      child.once('error', (error) => {
        clearTimeout(timer);
        reject(spawnFailure(install.postgres, error));
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`server exited (${signal ?? `exit ${code}`})`));
      });
    });
  } catch (error) {
    await stop();
    throw error;
  }
  return { pid: child.pid as number, stop };
}

import { spawn } from 'node:child_process';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, sourceEntryArgs } from '../support/source-process';

/** apps/api/src/main.ts as `npm start` runs it, compiled on the fly by swc (the jest transform). */

let home: string;
beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'private-home-'));
  await chmod(home, 0o700);
});
afterAll(() => rm(home, { recursive: true, force: true }));

/**
 * `npm start` where the embedded PostgreSQL cannot run: one line on stderr saying why and what to set, exit 1,
 * no stack trace and no unhandled spawn error. Here: as root, a data directory PostgreSQL's user cannot reach
 * that already holds a cluster (so it cannot be relocated without losing it).
 */
describe('start-up without a usable embedded PostgreSQL', () => {
  it('stops with one line naming DATABASE_URL', async () => {
    const dataDir = join(home, 'csp-orders', 'data');
    await mkdir(join(dataDir, 'pg'), { recursive: true });
    await writeFile(join(dataDir, 'pg', 'PG_VERSION'), '18\n');
    const child = spawn(process.execPath, sourceEntryArgs('apps/api/src/main.ts'), {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', DATA_DIR: dataDir, PORT: '39871', LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((res) => child.on('exit', res));

    expect(code).toBe(1);
    const lines = stderr.split('\n').filter((l) => l.trim() && !/is unset: generated a local one/.test(l));
    if (process.getuid?.() === 0) {
      expect(lines).toEqual([
        expect.stringMatching(
          /^csp-orders cannot start: embedded PostgreSQL cannot run here: its data directory .+ is out of reach of user \S+\. Set DATABASE_URL /,
        ),
      ]);
    } else {
      // As a normal user the directory is its own: PostgreSQL itself refuses the fake cluster, in one line.
      expect(lines).toEqual([expect.stringMatching(/^csp-orders failed to start: embedded PostgreSQL/)]);
    }
    expect(`${stdout}${stderr}`).not.toMatch(/EACCES|Unhandled|\n\s+at /);
    expect(stdout).not.toContain('"level":"error"');
  }, 60_000);
});

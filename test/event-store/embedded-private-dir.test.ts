import { execFileSync } from 'node:child_process';
import { chmod, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { EmbeddedPostgresUnavailableError, startEmbeddedPostgres } from '../../libs/event-store/src';

/**
 * A clone in a private (mode 700) directory, like root's home. PostgreSQL refuses to run as root, so as root
 * it runs as the postgres user, which cannot traverse such a directory: its data goes under the relocation
 * base instead, the same directory on every start. As a normal user it runs in place.
 */
const asRoot = process.getuid?.() === 0;
let home: string;
let base: string;

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'private-home-'));
  await chmod(home, 0o700);
  base = await mkdtemp(join(tmpdir(), 'relocation-'));
});

afterAll(async () => {
  await rm(home, { recursive: true, force: true });
  await rm(base, { recursive: true, force: true });
});

const postgresPids = (): string[] => {
  try {
    return execFileSync('pgrep', ['-P', String(process.pid), 'postgres'], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean);
  } catch {
    return [];
  }
};

describe('embedded PostgreSQL for a clone in a private directory', () => {
  it('starts, keeps its data across restarts, and stops without leaving a server behind', async () => {
    const requested = join(home, 'csp-orders', 'data', 'pg');
    const first = await startEmbeddedPostgres({ dataDir: requested, ephemeral: true, relocationBase: base });
    try {
      if (asRoot) expect(first.dataDir.startsWith(`${base}/data-`)).toBe(true);
      else expect(first.dataDir).toBe(requested);
      expect(((await stat(first.dataDir)).mode & 0o777).toString(8)).toBe('700');
      const client = new Client({ connectionString: first.url });
      await client.connect();
      await client.query('CREATE TABLE kept (v text)');
      await client.query(`INSERT INTO kept VALUES ('still here')`);
      await client.end();
    } finally {
      await first.stop();
    }
    expect(postgresPids()).toEqual([]);

    const again = await startEmbeddedPostgres({ dataDir: requested, ephemeral: true, relocationBase: base });
    try {
      expect(again.dataDir).toBe(first.dataDir);
      const client = new Client({ connectionString: again.url });
      await client.connect();
      expect((await client.query('SELECT v FROM kept')).rows).toEqual([{ v: 'still here' }]);
      await client.end();
    } finally {
      await again.stop();
    }
    expect(postgresPids()).toEqual([]);
  }, 90_000);

  it('where it cannot run, refuses with one line that says why and to set DATABASE_URL', async () => {
    // A data directory that is a file's child can be made by nobody, relocated or not.
    const file = join(home, 'not-a-directory');
    await writeFile(file, '');
    const blockedBase = join(file, 'base');
    const requested = asRoot ? join(home, 'other', 'pg') : join(file, 'pg');
    const error = await startEmbeddedPostgres({ dataDir: requested, relocationBase: blockedBase }).catch(
      (e: unknown) => e,
    );
    if (asRoot) {
      expect(error).toBeInstanceOf(EmbeddedPostgresUnavailableError);
      expect((error as Error).message).toMatch(/^embedded PostgreSQL cannot run here: .+ Set DATABASE_URL/);
      expect((error as Error).message).not.toContain('\n');
    } else {
      expect(error).toBeInstanceOf(Error);
    }
    expect(postgresPids()).toEqual([]);
  }, 30_000);
});

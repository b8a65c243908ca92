import { SingleBar } from 'cli-progress';
import { Pool } from 'pg';
import { STREAM_PREFIXES } from '@csp/domain';
import { createEventStore } from '@csp/event-store';
import { ConfigError, keyEncryptionKeysFrom } from '@csp/platform';
import { KeyRing, KeyVaultStore, rewrapKeys } from '@csp/capabilities/key-pool';

/** `keys rewrap`: the key-pool capability's re-wrap over the service's database, with a progress bar on stderr. */
export async function rewrapCommand(env: NodeJS.ProcessEnv, print: (line: string) => void): Promise<number> {
  let ring: KeyRing;
  try {
    ring = new KeyRing(keyEncryptionKeysFrom(env));
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    print(error.message);
    return 2;
  }
  const handle = await createEventStore({
    databaseUrl: env.DATABASE_URL?.trim() || undefined,
    eventStoreUrl: env.EVENTSTORE_URL?.trim() || undefined,
    dataDir: env.DATA_DIR?.trim() || './data',
    streamPrefixes: STREAM_PREFIXES,
  });
  const pool = new Pool({ connectionString: handle.databaseUrl, max: 2 });
  // A bar on a terminal; one line per batch otherwise (logs, CI), so the progress is still there to read.
  const tty = process.stderr.isTTY === true;
  const bar = new SingleBar({
    format: 'rewrap [{bar}] {value}/{total} records',
    stream: process.stderr,
    noTTYOutput: false,
  });
  try {
    const vault = new KeyVaultStore(pool);
    await vault.migrate();
    let started = false;
    const report = await rewrapKeys(vault, ring, (done, total) => {
      if (!tty) return void process.stderr.write(`rewrap ${done}/${total} records\n`);
      if (!started) bar.start(total, done);
      started = true;
      bar.update(done);
    });
    bar.stop();
    const unknown = Object.entries(report.unknownKek);
    print(
      `rewrapped ${report.rewrapped} key(s) under "${report.currentKid}"; ${report.current} record(s) now under it` +
        (unknown.length
          ? `; left under a KEK no longer configured: ${unknown.map(([k, n]) => `"${k}" ${n}`).join(', ')}`
          : '') +
        (report.failed.length ? `; failed authentication (tampered or moved): ${report.failed.join(', ')}` : ''),
    );
    return unknown.length || report.failed.length ? 1 : 0;
  } finally {
    bar.stop();
    await pool.end();
    await handle.close();
  }
}

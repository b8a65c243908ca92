import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { startEmbeddedPostgres } from '../libs/event-store/src/embedded/embedded-postgres';
import { PostgresEventStore } from '../libs/event-store/src/postgres/postgres-event-store';
import { benchOrderPlaced } from './support/bench-event';

/**
 * Event-store throughput on the machine at hand:
 * - store_append_new_eps: 20,000 new streams, one ~600-byte OrderPlaced each, 16 concurrent writers;
 * - store_append_existing_eps: 5,000 of them get 3 more events, one append per event, exact expected version;
 * - store_read_stream_sps: those 5,000 streams read back (streams per second);
 * - store_read_all_eps: everything from the start, in global order, in batches.
 * Creates and drops its own database (on the given server, or on an embedded PostgreSQL in a temp dir).
 */
export async function runStoreBench(opts: {
  store: 'postgres' | 'embedded';
  databaseUrl?: string;
}): Promise<Record<string, number>> {
  const NEW_STREAMS = 20_000;
  const EXISTING_STREAMS = 5_000;
  const MORE_EVENTS = 3;
  const WRITERS = 16;

  let serverUrl = opts.databaseUrl ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  let embedded: { url: string; stop(): Promise<void> } | undefined;
  let tempDir: string | undefined;
  if (opts.store === 'embedded') {
    tempDir = await mkdtemp(join(tmpdir(), 'es-bench-'));
    embedded = await startEmbeddedPostgres({ dataDir: tempDir, database: 'postgres' });
    serverUrl = embedded.url;
  }

  const dbName = `es_bench_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  await adminQuery(serverUrl, `CREATE DATABASE "${dbName}"`);
  const dbUrl = new URL(serverUrl);
  dbUrl.pathname = `/${dbName}`;
  const store = await PostgresEventStore.create({
    connectionString: dbUrl.toString(),
    kind: opts.store,
    poolSize: WRITERS,
  });

  try {
    const results: Record<string, number> = {};

    // 1. new streams, 16 writers pulling from a shared counter
    let next = 0;
    let t0 = performance.now();
    await Promise.all(
      Array.from({ length: WRITERS }, async () => {
        for (let i = next++; i < NEW_STREAMS; i = next++) {
          await store.appendToStream(`order-${i}`, [benchOrderPlaced(i)], { expectedVersion: 'no_stream' });
        }
      }),
    );
    results.store_append_new_eps = Math.round(NEW_STREAMS / ((performance.now() - t0) / 1000));

    // 2. existing streams: 3 more events each, one append per event with the exact expected version
    next = 0;
    t0 = performance.now();
    await Promise.all(
      Array.from({ length: WRITERS }, async () => {
        for (let i = next++; i < EXISTING_STREAMS; i = next++) {
          for (let k = 1; k <= MORE_EVENTS; k++) {
            await store.appendToStream(
              `order-${i}`,
              [
                {
                  type: 'OrderNoteAdded',
                  data: { orderId: `order-${i}`, note: 'x'.repeat(330), k },
                  metadata: { requestId: `n-${i}-${k}` },
                },
              ],
              { expectedVersion: k },
            );
          }
        }
      }),
    );
    results.store_append_existing_eps = Math.round(
      (EXISTING_STREAMS * MORE_EVENTS) / ((performance.now() - t0) / 1000),
    );

    // 3. read those streams back
    next = 0;
    t0 = performance.now();
    await Promise.all(
      Array.from({ length: WRITERS }, async () => {
        for (let i = next++; i < EXISTING_STREAMS; i = next++) {
          const read = await store.readStream(`order-${i}`);
          if (read.events.length !== 1 + MORE_EVENTS) throw new Error(`order-${i}: ${read.events.length} events`);
        }
      }),
    );
    results.store_read_stream_sps = Math.round(EXISTING_STREAMS / ((performance.now() - t0) / 1000));

    // 4. read everything in global order
    t0 = performance.now();
    let after = 0;
    let total = 0;
    for (;;) {
      const batch = await store.readAll({ after, maxCount: 1000 });
      total += batch.events.length;
      after = batch.lastPosition;
      if (batch.isEnd) break;
    }
    const expectedTotal = NEW_STREAMS + EXISTING_STREAMS * MORE_EVENTS;
    if (total !== expectedTotal) throw new Error(`readAll saw ${total} events, expected ${expectedTotal}`);
    results.store_read_all_eps = Math.round(total / ((performance.now() - t0) / 1000));
    return results;
  } finally {
    await store.close();
    await adminQuery(serverUrl, `DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
    if (embedded) await embedded.stop();
    if (tempDir) await rm(tempDir, { recursive: true, force: true });
  }
}

async function adminQuery(url: string, sql: string): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

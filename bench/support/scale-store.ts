import { randomUUID } from 'node:crypto';
import { PostgresEventStore } from '../../libs/event-store/src/postgres/postgres-event-store';
import { backendCpu, backendCpuBetween } from './cpu';
import { withClient } from './database';
import { inParallel } from './http-client';

/**
 * The event store's own operations on a store that already holds the seeded events, as bench/store.bench.ts
 * measures them on an empty one: appends to new streams, appends to existing streams (exact expected version),
 * and whole-stream reads of seeded orders picked at random. The bench's events have a type of their own, so
 * the service's projections pass over them. Each figure with the PostgreSQL CPU per operation (load-independent).
 */
const WRITERS = 16;
const NEW_STREAMS = 4000;
const EXISTING_STREAMS = 1000;
const MORE_EVENTS = 3;
const READ_STREAMS = 2000;

export interface StoreFigures {
  appendNewEps: number;
  appendExistingEps: number;
  readStreamSps: number;
  /** PostgreSQL CPU per operation, microseconds. */
  appendNewCpuUs: number;
  appendExistingCpuUs: number;
  readStreamCpuUs: number;
}

export async function measureStore(url: string): Promise<StoreFigures> {
  const readable = await sampleOrderStreams(url, READ_STREAMS);
  const store = await PostgresEventStore.create({ connectionString: url, kind: 'postgres', poolSize: WRITERS });
  try {
    const run = randomUUID();
    const note = (i: number, k: number) => ({
      type: 'ScaleBenchNoted',
      data: { run, i, k, note: 'x'.repeat(300) },
      metadata: { requestId: randomUUID(), correlationId: randomUUID(), userId: 'bench' },
    });
    const streams = Array.from({ length: NEW_STREAMS }, () => `scalebench-${randomUUID()}`);
    // Fill the pool first, so that every backend is there for the CPU samples.
    await inParallel(Array.from({ length: WRITERS }), WRITERS, async () => void (await store.readStream(streams[0]!)));
    const timed = async (ops: number, work: () => Promise<void>) => {
      const before = await backendCpu(url);
      const t0 = performance.now();
      await work();
      const seconds = (performance.now() - t0) / 1000;
      const cpu = backendCpuBetween(before, await backendCpu(url));
      return { perSecond: Math.round(ops / seconds), cpuUs: Math.round((cpu * 1e6) / ops) };
    };
    const fresh = await timed(NEW_STREAMS, () =>
      inParallel(streams, WRITERS, async (s, i) => {
        await store.appendToStream(s, [note(i, 0)], { expectedVersion: 'no_stream' });
      }),
    );
    const existing = await timed(EXISTING_STREAMS * MORE_EVENTS, () =>
      inParallel(streams.slice(0, EXISTING_STREAMS), WRITERS, async (s, i) => {
        for (let k = 1; k <= MORE_EVENTS; k++) await store.appendToStream(s, [note(i, k)], { expectedVersion: k });
      }),
    );
    const reads = await timed(readable.length, () =>
      inParallel(readable, WRITERS, async (s) => {
        const read = await store.readStream(s);
        if (read.events.length === 0) throw new Error(`${s}: no events`);
      }),
    );
    return {
      appendNewEps: fresh.perSecond,
      appendNewCpuUs: fresh.cpuUs,
      appendExistingEps: existing.perSecond,
      appendExistingCpuUs: existing.cpuUs,
      readStreamSps: reads.perSecond,
      readStreamCpuUs: reads.cpuUs,
    };
  } finally {
    await store.close();
  }
}

/** Seeded order streams picked at random over the whole store (a sample of its pages, not its first rows). */
async function sampleOrderStreams(url: string, n: number): Promise<string[]> {
  return withClient(url, async (c) => {
    const streams = Number(
      (await c.query<{ n: string }>(`SELECT reltuples::bigint AS n FROM pg_class WHERE relname = 'es_streams'`)).rows[0]
        ?.n ?? 0,
    );
    const percent = Math.min(100, (100 * n * 4) / Math.max(1, streams));
    const rows = await c.query<{ stream_id: string }>(
      `SELECT stream_id FROM es_streams TABLESAMPLE SYSTEM (${percent.toFixed(4)})
        WHERE stream_id LIKE 'order-%' ORDER BY random() LIMIT ${n}`,
    );
    return rows.rows.map((r) => r.stream_id);
  });
}

/**
 * Waits until the service's worker has caught up with `head`: every projection's checkpoint and the audit
 * log's are at or past it. Logs the slowest every 30 s.
 */
export async function waitCaughtUp(
  url: string,
  head: number,
  timeoutMs: number,
  log: (m: string) => void,
): Promise<number> {
  const started = Date.now();
  let lastLog = started;
  for (;;) {
    // A refused connection (the machine's PostgreSQL is shared, its slots can run out for a while) is retried.
    const behind = await withClient(url, async (c) => {
      const r = await c.query<{ name: string; position: string }>(
        `SELECT projection AS name, position FROM read_model_checkpoints
         UNION ALL SELECT 'audit log', position FROM audit_checkpoint`,
      );
      return r.rows.length > 0 ? r.rows.filter((row) => Number(row.position) < head) : [{ name: 'no checkpoints yet' }];
    }).catch((error: unknown) => [{ name: `(not asked: ${error instanceof Error ? error.message : String(error)})` }]);
    if (behind.length === 0) return (Date.now() - started) / 1000;
    if (Date.now() - started > timeoutMs)
      throw new Error(`the worker had not caught up after ${timeoutMs / 60_000} min: ${names(behind)}`);
    if (Date.now() - lastLog > 30_000) {
      lastLog = Date.now();
      log(`catch-up: ${Math.round((Date.now() - started) / 1000)} s, behind: ${names(behind)}`);
    }
    await new Promise((r) => setTimeout(r, 2000));
  }
}

const names = (rows: { name: string }[]) => rows.map((r) => r.name).join(', ') || 'none';

export async function storeHead(url: string): Promise<{ head: number; events: number }> {
  return withClient(url, async (c) => {
    const r = await c.query<{ head: string | null; events: string }>(
      `SELECT max(global_position) AS head, count(*) AS events FROM es_events`,
    );
    return { head: Number(r.rows[0]!.head ?? 0), events: Number(r.rows[0]!.events) };
  });
}

export async function databaseMb(url: string): Promise<number> {
  return withClient(url, async (c) => {
    const r = await c.query<{ bytes: string }>(`SELECT pg_database_size(current_database()) AS bytes`);
    return Math.round(Number(r.rows[0]!.bytes) / 1_048_576);
  });
}

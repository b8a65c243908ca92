import { fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Client } from 'pg';
import { PostgresEventStore } from '../../libs/event-store/src/postgres/postgres-event-store';
import { BENCH_SECRET, freePort, ROOT, startApi } from '../support/api-process';
import { cannon, type AutocannonResult } from '../support/autocannon';
import { createBenchDatabase } from '../support/database';
import { inParallel, orderBody, placeOrder, registerCustomer } from '../support/http-client';
import { cpuDuring, processCpuMicros, type CpuSplit } from '../support/cpu';
import { benchOrderPlaced } from '../support/bench-event';
import { EmmettStorePeer } from '../peers/emmett-store-peer';
import { HTTP_CONNECTIONS } from './http.bench';

/**
 * Ours against the limits of the same machine, measured in the same run (issue 18), rounds alternated:
 * - appends: our store's append of one event to a new stream vs a plain autocommit INSERT of the same row into a
 *   table with the same keys (16 writers each);
 * - read-all: our store's readAll vs a plain keyset SELECT of the same table, batches of 1,000;
 * - place-order: our service (api and worker processes) vs the peer in bench/peers/place-order-peer.ts, both
 *   loaded like the http workload (autocannon, 32 connections, 20 s), with the CPU time per order of each
 *   process (api, worker, PostgreSQL backends) from /proc.
 */
const WRITERS = 16;
const APPENDS_PER_ROUND = 10_000;
const PLACE_SECONDS = 20;
const ROUNDS = 2;

const PLAIN_DDL = `CREATE TABLE plain_events (
  global_position bigserial PRIMARY KEY, stream_id text NOT NULL, stream_position bigint NOT NULL,
  event_id uuid NOT NULL UNIQUE, type text NOT NULL, data jsonb NOT NULL, metadata jsonb NOT NULL,
  recorded_at timestamptz NOT NULL DEFAULT now(), UNIQUE (stream_id, stream_position))`;
const PLAIN_INSERT = `INSERT INTO plain_events (stream_id, stream_position, event_id, type, data, metadata)
  VALUES ($1, 1, $2, $3, $4, $5)`;
const PLAIN_SELECT = `SELECT global_position, stream_id, stream_position, event_id, type, data, metadata, recorded_at
  FROM es_events WHERE global_position > $1 ORDER BY global_position LIMIT 1000`;

const rate = (n: number, started: number) => n / ((performance.now() - started) / 1000);
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
/** The mean of the rounds after the first, which warms up (pools, caches, the tables' first pages). */
const warm = (rounds: number[]) => mean(rounds.slice(1));
const ratio = (ours: number, limit: number) => Number((ours / limit).toFixed(2));

async function storeLimits(log: (m: string) => void, results: Record<string, number>, notes: string[]) {
  const db = await createBenchDatabase('bench_peers_store');
  const store = await PostgresEventStore.create({ connectionString: db.url, kind: 'postgres', poolSize: WRITERS });
  const clients = await Promise.all(Array.from({ length: WRITERS }, () => new Client({ connectionString: db.url })));
  const emmett = await EmmettStorePeer.start(log);
  const emmettAppend: number[] = [];
  const emmettRead: number[] = [];
  try {
    await Promise.all(clients.map((c) => c.connect()));
    await clients[0]!.query(PLAIN_DDL);
    const ours: number[] = [];
    const plain: number[] = [];
    let n = 0;
    // One more round than measured: the first warms up (see warm).
    for (let round = 0; round < ROUNDS + 1; round++) {
      log(`peers: appends, round ${round + 1}: ours, a plain INSERT, then Emmett, ${APPENDS_PER_ROUND} events each`);
      let next = 0;
      let t0 = performance.now();
      await inParallel(Array.from({ length: WRITERS }), WRITERS, async () => {
        for (let i = next++; i < APPENDS_PER_ROUND; i = next++) {
          const k = n + i;
          await store.appendToStream(`order-${k}`, [benchOrderPlaced(k)], { expectedVersion: 'no_stream' });
        }
      });
      ours.push(rate(APPENDS_PER_ROUND, t0));
      next = 0;
      t0 = performance.now();
      await Promise.all(
        clients.map(async (c) => {
          for (let i = next++; i < APPENDS_PER_ROUND; i = next++) {
            const e = benchOrderPlaced(n + i);
            await c.query(PLAIN_INSERT, [`order-${n + i}`, randomUUID(), e.type, e.data, e.metadata]);
          }
        }),
      );
      plain.push(rate(APPENDS_PER_ROUND, t0));
      if (emmett) emmettAppend.push(await emmett.append(APPENDS_PER_ROUND, WRITERS));
      n += APPENDS_PER_ROUND;
    }
    const appendOurs = warm(ours);
    results.peers_store_append_eps = Math.round(appendOurs);
    results.peers_plain_insert_eps = Math.round(warm(plain));
    results.peers_append_vs_insert = ratio(appendOurs, warm(plain));

    const readOurs: number[] = [];
    const readPlain: number[] = [];
    for (let round = 0; round < ROUNDS + 1; round++) {
      log(`peers: read-all, round ${round + 1}: ours, a plain keyset SELECT, then Emmett, the same ${n} events`);
      let t0 = performance.now();
      let seen = 0;
      for (let after = 0; ;) {
        const batch = await store.readAll({ after, maxCount: 1000 });
        seen += batch.events.length;
        after = batch.lastPosition;
        if (batch.isEnd) break;
      }
      readOurs.push(rate(seen, t0));
      t0 = performance.now();
      let plainSeen = 0;
      for (let after = '0'; ;) {
        const { rows } = await clients[0]!.query<{ global_position: string }>(PLAIN_SELECT, [after]);
        plainSeen += rows.length;
        if (rows.length < 1000) break;
        after = rows[rows.length - 1]!.global_position;
      }
      readPlain.push(rate(plainSeen, t0));
      if (seen !== plainSeen) throw new Error(`read-all saw ${seen} events, the plain SELECT ${plainSeen}`);
      if (emmett) {
        const read = await emmett.readAll();
        if (read.events < seen) throw new Error(`Emmett's read-all saw ${read.events} events, ours ${seen}`);
        emmettRead.push(read.eps);
      }
    }
    const readAllOurs = warm(readOurs);
    results.peers_store_read_all_eps = Math.round(readAllOurs);
    results.peers_plain_select_eps = Math.round(warm(readPlain));
    results.peers_read_all_vs_select = ratio(readAllOurs, warm(readPlain));
    if (emmett) {
      results.peers_emmett_append_eps = Math.round(warm(emmettAppend));
      results.peers_emmett_read_all_eps = Math.round(warm(emmettRead));
      results.peers_append_vs_emmett = ratio(appendOurs, warm(emmettAppend));
      results.peers_read_all_vs_emmett = ratio(readAllOurs, warm(emmettRead));
      notes.push(
        `Emmett 0.42 (PostgreSQL store; the same event and writers, in a process and database of its own, ` +
          `alternated with ours): appends ${emmettAppend.map(Math.round).join(', ')} events/s, read-all ` +
          `${emmettRead.map(Math.round).join(', ')} events/s`,
      );
    }
    notes.push(
      `appends ours ${ours.map(Math.round).join(', ')} vs plain INSERT ${plain.map(Math.round).join(', ')} events/s; ` +
        `read-all ours ${readOurs.map(Math.round).join(', ')} vs plain SELECT ${readPlain.map(Math.round).join(', ')} events/s`,
    );
  } finally {
    await emmett?.stop();
    await Promise.all(clients.map((c) => c.end().catch(() => undefined)));
    await store.close();
    await db.drop();
  }
}

async function startPeer(): Promise<{ baseUrl: string; pid: number; db: { url: string }; stop(): Promise<void> }> {
  const db = await createBenchDatabase('bench_peers_order');
  const port = await freePort();
  const child = fork(join(ROOT, 'bench/peers/place-order-peer.ts'), [], {
    execArgv: ['-r', join(ROOT, 'scripts/swc-register.js')],
    env: { ...process.env, PEER_DATABASE_URL: db.url, PEER_SECRET: BENCH_SECRET, PORT: String(port) },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  await new Promise<void>((ok, fail) => {
    child.once('message', () => ok());
    child.once('exit', (code) => fail(new Error(`the place-order peer exited (${code}) while starting`)));
  });
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    pid: child.pid!,
    db,
    async stop() {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
      await db.drop();
    },
  };
}

async function placeOrderAgainstPeer(log: (m: string) => void, results: Record<string, number>, notes: string[]) {
  const partner = randomUUID();
  const [ours, peer] = await Promise.all([
    startApi({ prefix: 'bench_peers_http', split: true, partners: [partner] }),
    startPeer(),
  ]);
  try {
    const token = await ours.token(partner);
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const buyer = await registerCustomer(ours.baseUrl, token);
    await inParallel(Array.from({ length: 200 }), 8, async () => void (await placeOrder(ours.baseUrl, token, buyer)));
    await inParallel(Array.from({ length: 200 }), 8, async () => void (await placeOrder(peer.baseUrl, token, buyer)));
    const runs: Record<'ours' | 'peer', { r: AutocannonResult; cpu: CpuSplit }[]> = { ours: [], peer: [] };
    for (let round = 0; round < ROUNDS; round++) {
      for (const [name, target] of [['ours', ours] as const, ['peer', peer] as const]) {
        log(`peers: place order, ${name}, round ${round + 1}, ${HTTP_CONNECTIONS} connections × ${PLACE_SECONDS} s`);
        let r!: AutocannonResult;
        const cpu = await cpuDuring(target, async () => {
          r = await cannon({
            url: `${target.baseUrl}/v1/customers/${buyer}/orders`,
            method: 'POST',
            connections: HTTP_CONNECTIONS,
            duration: PLACE_SECONDS,
            headers,
            body: JSON.stringify(orderBody),
          });
          if (name === 'ours') await workerSettled(ours.workerPid!);
        });
        if (r.non2xx || r.errors) notes.push(`place order (${name}): ${r.non2xx} non-2xx, ${r.errors} errors`);
        runs[name].push({ r, cpu });
      }
    }
    const rps = (xs: { r: AutocannonResult }[]) => mean(xs.map((x) => x.r.requests.total / PLACE_SECONDS));
    const p99 = (xs: { r: AutocannonResult }[]) => mean(xs.map((x) => x.r.latency.p99));
    const perOrder = (xs: { r: AutocannonResult; cpu: CpuSplit }[], k: keyof CpuSplit) =>
      Math.round(mean(xs.map((x) => x.cpu[k] / Math.max(1, x.r.requests.total))));
    results.peers_place_order_rps = Math.round(rps(runs.peer));
    results.peers_place_order_p99_ms = Math.round(p99(runs.peer));
    results.peers_ours_place_order_rps = Math.round(rps(runs.ours));
    results.peers_ours_place_order_p99_ms = Math.round(p99(runs.ours));
    results.peers_place_order_vs_peer = Number((rps(runs.ours) / rps(runs.peer)).toFixed(2));
    results.peers_place_order_p99_vs_peer = Number((p99(runs.ours) / p99(runs.peer)).toFixed(2));
    results.peers_ours_cpu_us_per_order_api = perOrder(runs.ours, 'api');
    results.peers_ours_cpu_us_per_order_worker = perOrder(runs.ours, 'worker');
    results.peers_ours_cpu_us_per_order_postgres = perOrder(runs.ours, 'postgres');
    results.peers_peer_cpu_us_per_order_api = perOrder(runs.peer, 'api');
    results.peers_peer_cpu_us_per_order_postgres = perOrder(runs.peer, 'postgres');
    notes.push(
      `place order ours ${runs.ours.map((x) => Math.round(x.r.requests.total / PLACE_SECONDS)).join(', ')} req/s ` +
        `(p99 ${runs.ours.map((x) => x.r.latency.p99).join(', ')} ms) vs peer ` +
        `${runs.peer.map((x) => Math.round(x.r.requests.total / PLACE_SECONDS)).join(', ')} req/s ` +
        `(p99 ${runs.peer.map((x) => x.r.latency.p99).join(', ')} ms); the worker's CPU counts until it is idle again`,
    );
  } finally {
    await Promise.all([ours.stop(), peer.stop()]);
  }
}

/** Until the worker has caught up (less than 3% of a core over a second), so its CPU per order is whole. */
async function workerSettled(pid: number): Promise<void> {
  for (let i = 0; i < 60; i++) {
    const before = await processCpuMicros(pid);
    await new Promise((r) => setTimeout(r, 1000));
    if ((await processCpuMicros(pid)) - before < 30_000) return;
  }
}

export async function runPeersBench(
  log: (m: string) => void,
): Promise<{ results: Record<string, number>; notes: string[] }> {
  const results: Record<string, number> = {};
  const notes: string[] = [];
  // BENCH_PEERS_PARTS=store,place-order runs some of the parts (development).
  const parts = new Set((process.env.BENCH_PEERS_PARTS ?? 'store,place-order').split(','));
  if (parts.has('store')) await storeLimits(log, results, notes);
  if (parts.has('place-order')) await placeOrderAgainstPeer(log, results, notes);
  return { results, notes };
}

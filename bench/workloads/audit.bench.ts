import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { Pool } from 'pg';
import { createEventStore, type EventStore } from '../../libs/event-store/src';
import { STREAM_PREFIXES } from '../../libs/domain/src/streams/stream-registry';
import { TenantAttribution } from '../../libs/capabilities/audit-trail/log/attribution';
import { INGEST_BATCH, ingestBatch, migrateAuditLog } from '../../libs/capabilities/audit-trail/log/audit-log.store';
import { issueDigests, publishKeys } from '../../libs/capabilities/audit-trail/produce-digests/issue-digests';
import { buildService, startApi, type ApiProcess, type ServiceBuild } from '../support/api-process';
import { cannon } from '../support/autocannon';
import { backendCpu, backendCpuBetween, processCpuSeconds } from '../support/cpu';
import { withClient } from '../support/database';
import { inParallel, orderBody, placeOrder, registerCustomer } from '../support/http-client';
import { cloneHistory, count, newPartner, writeTemplateHistory } from '../support/seed-events';

/**
 * Issue 17's audit trail:
 * - hashing: the digest producer's ingestion (canonical form, leaf hash, tree nodes, leaves and nodes stored, the
 *   checkpoint) over a replay of the bench's 1,000,000 events (events/s), run in this process as the worker runs it,
 *   and its CPU per event: this process's (process.cpuUsage) and the database backends' (/proc/<pid>/stat), which
 *   do not depend on what else the machine runs;
 * - export: GET /v1/events/export of those events through an api process run from a build, as production runs it
 *   (events/s, the api's RSS once warm, and at most during the export);
 * - place order with the digest producer running (AUDIT_DIGEST_EVERY_MS=1000) and not (a period of a day): two
 *   services side by side (api and worker processes each), both warmed, 15 s runs alternated off/on/on/off twice,
 *   each started once both services are idle and accounted until its service is idle again (the producer caught
 *   up). Throughput, and CPU per order (api + worker + the database's backends), whose difference is the cost of
 *   the producer whatever the machine's load; the idle service's CPU during the other's runs is reported.
 * BENCH_AUDIT_PARTS=hashing,export,append runs some of the parts (development).
 */
const EVENTS = Number(process.env.BENCH_AUDIT_EVENTS ?? 1_000_000);
const PARTS = new Set((process.env.BENCH_AUDIT_PARTS ?? 'hashing,export,append').split(','));
const RUN_SECONDS = 15;
const WARM_SECONDS = 5;
const CONNECTIONS = 32;
const ROUNDS = ['off', 'on', 'on', 'off', 'off', 'on', 'on', 'off'] as const;
const ROUNDS_LIVE = 10;
const ROUND_EVENTS = 500;

type Outcome = { results: Record<string, number>; notes: string[] };

/** The process's resident memory now (VmRSS). */
async function rss(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const load = () =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');

export async function runAuditBench(log: (m: string) => void): Promise<Outcome> {
  const out: Outcome = { results: {}, notes: [] };
  const partner = newPartner();
  const build = PARTS.has('export') || PARTS.has('append') ? await buildService() : undefined;
  try {
    if (PARTS.has('hashing') || PARTS.has('export')) await replayAndExport(partner, build, log, out);
    if (PARTS.has('append')) await placeOrderCost(partner, build!, log, out);
  } finally {
    await build?.remove();
  }
  return out;
}

async function replayAndExport(
  partner: string,
  build: ServiceBuild | undefined,
  log: (m: string) => void,
  { results, notes }: Outcome,
): Promise<void> {
  const seeding = await startApi({
    prefix: 'bench_audit',
    partners: [partner],
    env: { AUDIT_DIGEST_EVERY_MS: '86400000' },
  });
  await writeTemplateHistory(seeding, partner);
  await seeding.stop({ keepDatabase: true });
  const db = seeding.db;
  let exporter: ApiProcess | undefined;
  try {
    const existing = await withClient(db.url, (c) => count(c, 'SELECT count(*) AS n FROM es_events'));
    log(`audit: seeding ${EVENTS.toLocaleString('en')} events`);
    await cloneHistory(db.url, { sets: Math.ceil((EVENTS - existing) / existing), partnerTenantId: partner, log });
    const events = await withClient(db.url, (c) => count(c, 'SELECT count(*) AS n FROM es_events'));

    // 1. Hashing over a replay, as the producer ingests (its batch size), CPU accounted per event.
    const handle = await createEventStore({
      databaseUrl: db.url,
      dataDir: '/nonexistent',
      streamPrefixes: STREAM_PREFIXES,
    });
    const pool = new Pool({ connectionString: db.url, max: 2 });
    try {
      await migrateAuditLog(pool);
      await Promise.all([handle.store.readAll({ maxCount: 1 }), pool.query('SELECT 1')]);
      log(`audit: hashing ${events.toLocaleString('en')} events into their trees (load ${load()})`);
      const pgBefore = await backendCpu(db.url);
      const cpuBefore = process.cpuUsage();
      const started = performance.now();
      let hashed = 0;
      const attribution = new TenantAttribution();
      for (let caughtUp = false; !caughtUp;) {
        const batch = await ingestBatch(pool, handle.store, INGEST_BATCH, attribution);
        hashed += batch.events;
        caughtUp = batch.caughtUp;
      }
      const seconds = (performance.now() - started) / 1000;
      const cpu = process.cpuUsage(cpuBefore);
      const pgSeconds = backendCpuBetween(pgBefore, await backendCpu(db.url));
      const nodeUs = (cpu.user + cpu.system) / hashed;
      const pgUs = (pgSeconds * 1e6) / hashed;
      results.audit_hashing_eps = Math.round(hashed / seconds);
      results.audit_hashing_cpu_us_per_event = Number((nodeUs + pgUs).toFixed(1));
      notes.push(
        `audit hashing: ${hashed} events in ${seconds.toFixed(1)} s (batches of ${INGEST_BATCH}), CPU per event ` +
          `${nodeUs.toFixed(1)} µs in node + ${pgUs.toFixed(1)} µs in PostgreSQL backends; load average ${load()}`,
      );
      await liveRounds(db.url, pool, handle.store, attribution, log, { results, notes });
    } finally {
      await pool.end();
      await handle.close();
    }
    if (!build) return;

    // 2. The export of the partner's log through an api process (no worker: only the export runs).
    exporter = await startApi({ prefix: 'bench_audit', db, partners: [partner], env: { ROLE: 'api' }, build });
    const token = await exporter.token(partner, ['Auditor']);
    const headers = { authorization: `Bearer ${token}` };
    // Warm: the export's code paths loaded and compiled, so that the baseline is the service's, not its start-up's.
    await (await fetch(`${exporter.baseUrl}/v1/events/export?to=2000`, { headers })).arrayBuffer();
    log(`audit: exporting the partner’s log as NDJSON (load ${load()})`);
    const before = await rss(exporter.pid);
    let peak = before;
    const poll = setInterval(() => void rss(exporter!.pid).then((mb) => (peak = Math.max(peak, mb))), 100);
    const started = performance.now();
    const res = await fetch(`${exporter.baseUrl}/v1/events/export`, { headers });
    let lines = 0;
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>)
      for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines++;
    clearInterval(poll);
    peak = Math.max(peak, await rss(exporter.pid));
    const seconds = (performance.now() - started) / 1000;
    results.audit_export_eps = Math.round(lines / seconds);
    results.audit_export_peak_rss_mb = Math.round(peak);
    results.audit_export_rss_growth_mb = Math.round(peak - before);
    notes.push(
      `audit export: ${lines} lines in ${seconds.toFixed(1)} s, status ${res.status}; api (from a build) RSS ` +
        `${before.toFixed(0)} MB warm before, at most ${peak.toFixed(0)} MB during the export (sampled every 100 ms); ` +
        `load average ${load()}`,
    );
  } finally {
    await exporter?.stop({ keepDatabase: true });
    await db.drop().catch(() => undefined);
  }
}

/**
 * 1b. The producer as it runs live: rounds of ROUND_EVENTS new orders (about what place-order writes in a second at
 * this machine's pace, AUDIT_DIGEST_EVERY_MS=1000), appended outside the accounting, then one round exactly as the
 * worker runs it (ingest until caught up, sign the digest): its CPU per event, per-round costs included.
 */
async function liveRounds(
  url: string,
  pool: Pool,
  store: EventStore,
  attribution: TenantAttribution,
  log: (m: string) => void,
  { results, notes }: Outcome,
): Promise<void> {
  const key = { kid: 'bench', privateKey: generateKeyPairSync('ed25519').privateKey };
  await publishKeys(pool, [key], new Date());
  await issueDigests(pool, key, new Date());
  const { rows } = await pool.query<{ data: Record<string, unknown>; metadata: Record<string, unknown> }>(
    `SELECT data, metadata FROM es_events WHERE type = 'OrderPlaced' LIMIT 1`,
  );
  log(`audit: ${ROUNDS_LIVE} producer rounds of ${ROUND_EVENTS} new orders each`);
  let node = 0;
  let pg = 0;
  let events = 0;
  for (let round = 0; round < ROUNDS_LIVE; round++) {
    await inParallel(Array.from({ length: ROUND_EVENTS }), 8, async () => {
      const orderId = randomUUID();
      await store.appendToStream(`order-${orderId}`, [
        { type: 'OrderPlaced', data: { ...rows[0].data, orderId }, metadata: rows[0].metadata },
      ]);
    });
    const pgBefore = await backendCpu(url);
    const cpuBefore = process.cpuUsage();
    for (let caughtUp = false; !caughtUp;) {
      const batch = await ingestBatch(pool, store, INGEST_BATCH, attribution);
      events += batch.events;
      caughtUp = batch.caughtUp;
    }
    await issueDigests(pool, key, new Date());
    const cpu = process.cpuUsage(cpuBefore);
    node += (cpu.user + cpu.system) / 1e6;
    pg += backendCpuBetween(pgBefore, await backendCpu(url));
  }
  const perEvent = ((node + pg) / events) * 1e6;
  results.audit_producer_cpu_us_per_event = Number(perEvent.toFixed(1));
  notes.push(
    `audit producer live: ${ROUNDS_LIVE} rounds of ${ROUND_EVENTS} orders, CPU per event ` +
      `${((node / events) * 1e6).toFixed(1)} µs in node + ${((pg / events) * 1e6).toFixed(1)} µs in PostgreSQL ` +
      `backends, per-round costs (transactions, readAll, signing) included; load average ${load()}`,
  );
}

interface Service {
  api: ApiProcess;
  mode: 'off' | 'on';
  headers: Record<string, string>;
  buyer: string;
}

type CpuSample = { api: number; worker: number; pg: Map<number, number> };
type CpuSplit = { api: number; worker: number; pg: number };

/** CPU seconds so far of a service: its api, its worker and its database's backends. */
async function serviceCpu(s: Service): Promise<CpuSample> {
  const [api, worker, pg] = await Promise.all([
    processCpuSeconds(s.api.pid),
    processCpuSeconds(s.api.workerPid!),
    backendCpu(s.api.db.url),
  ]);
  return { api, worker, pg };
}
const cpuSplit = (a: CpuSample, b: CpuSample): CpuSplit => ({
  api: b.api - a.api,
  worker: b.worker - a.worker,
  pg: backendCpuBetween(a.pg, b.pg),
});
const total = (c: CpuSplit) => c.api + c.worker + c.pg;
const cpuBetween = (a: CpuSample, b: CpuSample) => total(cpuSplit(a, b));

/**
 * Waits until a service is idle: its producer (when on) has ingested everything, and its processes and backends
 * used under 5% of a core over half a second. Bounded (30 s).
 */
async function settle(s: Service): Promise<void> {
  for (const deadline = Date.now() + 30_000; Date.now() < deadline;) {
    const caughtUp =
      s.mode === 'off' ||
      (await withClient(s.api.db.url, (c) =>
        count(
          c,
          `SELECT ((SELECT position FROM audit_checkpoint) >= (SELECT COALESCE(max(global_position), 0) FROM es_events))::int AS n`,
        ),
      ));
    const a = await serviceCpu(s);
    await sleep(500);
    if (caughtUp && cpuBetween(a, await serviceCpu(s)) < 0.025) return;
  }
}

async function placeOrderCost(
  partner: string,
  build: ServiceBuild,
  log: (m: string) => void,
  { results, notes }: Outcome,
): Promise<void> {
  const modes = ['off', 'on'] as const;
  const apis = await Promise.all(
    modes.map((mode) =>
      startApi({
        prefix: 'bench_audit_http',
        split: true,
        build,
        partners: [partner],
        env: { AUDIT_DIGEST_EVERY_MS: mode === 'on' ? '1000' : '86400000' },
      }),
    ),
  );
  try {
    const services: Service[] = await Promise.all(
      apis.map(async (api, i) => {
        const token = await api.token(partner);
        const buyer = await registerCustomer(api.baseUrl, token);
        await inParallel(
          Array.from({ length: 100 }),
          8,
          async () => void (await placeOrder(api.baseUrl, token, buyer)),
        );
        return {
          api,
          mode: modes[i],
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          buyer,
        };
      }),
    );
    const fire = (s: Service, seconds: number) =>
      cannon({
        url: `${s.api.baseUrl}/v1/customers/${s.buyer}/orders`,
        method: 'POST',
        connections: CONNECTIONS,
        duration: seconds,
        headers: s.headers,
        body: JSON.stringify(orderBody),
      });
    for (const s of services) {
      log(`audit: warming the service with the producer ${s.mode} (${WARM_SECONDS} s)`);
      await fire(s, WARM_SECONDS);
      await settle(s);
    }
    const runs: Record<'off' | 'on', { rps: number; orders: number; events: number; cpu: CpuSplit }[]> = {
      off: [],
      on: [],
    };
    let idleCpu = 0;
    let idleSeconds = 0;
    for (const [round, mode] of ROUNDS.entries()) {
      const s = services.find((x) => x.mode === mode)!;
      const idle = services.find((x) => x.mode !== mode)!;
      await Promise.all(services.map(settle));
      log(
        `audit: place orders, producer ${mode}, run ${round + 1}/${ROUNDS.length}, ${CONNECTIONS} connections × ${RUN_SECONDS} s (load ${load()})`,
      );
      const eventsBefore = await withClient(s.api.db.url, (c) => count(c, 'SELECT count(*) AS n FROM es_events'));
      const [cpuBefore, idleBefore] = await Promise.all([serviceCpu(s), serviceCpu(idle)]);
      const started = performance.now();
      const r = await fire(s, RUN_SECONDS);
      await settle(s);
      const [cpuAfter, idleAfter] = await Promise.all([serviceCpu(s), serviceCpu(idle)]);
      idleCpu += cpuBetween(idleBefore, idleAfter);
      idleSeconds += (performance.now() - started) / 1000;
      const eventsAfter = await withClient(s.api.db.url, (c) => count(c, 'SELECT count(*) AS n FROM es_events'));
      if (r.non2xx || r.errors) notes.push(`place order (${mode}): ${r.non2xx} non-2xx, ${r.errors} errors`);
      const orders = r.requests.total - r.non2xx;
      runs[mode].push({
        rps: r.requests.total / RUN_SECONDS,
        orders,
        events: eventsAfter - eventsBefore,
        cpu: cpuSplit(cpuBefore, cpuAfter),
      });
    }
    const rps = (m: 'off' | 'on') => mean(runs[m].map((x) => x.rps));
    const orders = (m: 'off' | 'on') => runs[m].reduce((a, x) => a + x.orders, 0);
    const msPerOrder = (m: 'off' | 'on', part: (c: CpuSplit) => number) =>
      (runs[m].reduce((a, x) => a + part(x.cpu), 0) / orders(m)) * 1000;
    const cpuPerOrder = (m: 'off' | 'on') => msPerOrder(m, total);
    const split = (m: 'off' | 'on') =>
      `${cpuPerOrder(m).toFixed(3)} ms (api ${msPerOrder(m, (c) => c.api).toFixed(3)}, worker ` +
      `${msPerOrder(m, (c) => c.worker).toFixed(3)}, PostgreSQL ${msPerOrder(m, (c) => c.pg).toFixed(3)}; runs ` +
      `${runs[m].map((x) => ((total(x.cpu) / x.orders) * 1000).toFixed(2)).join(', ')})`;
    const eventsPerOrder = runs.on.reduce((a, x) => a + x.events, 0) / runs.on.reduce((a, x) => a + x.orders, 0);
    results.audit_place_order_rps_producer_off = Math.round(rps('off'));
    results.audit_place_order_rps_producer_on = Math.round(rps('on'));
    results.audit_place_order_cost_pct = Number((((rps('off') - rps('on')) / rps('off')) * 100).toFixed(1));
    results.audit_place_order_cpu_ms_producer_off = Number(cpuPerOrder('off').toFixed(3));
    results.audit_place_order_cpu_ms_producer_on = Number(cpuPerOrder('on').toFixed(3));
    results.audit_place_order_cpu_cost_pct = Number(
      (((cpuPerOrder('on') - cpuPerOrder('off')) / cpuPerOrder('off')) * 100).toFixed(1),
    );
    const digests = await withClient(services[1].api.db.url, (c) =>
      count(c, 'SELECT count(*) AS n FROM audit_digests'),
    );
    notes.push(
      `place order runs (${ROUNDS.join('/')}) off ${runs.off.map((x) => Math.round(x.rps)).join(', ')} / on ` +
        `${runs.on.map((x) => Math.round(x.rps)).join(', ')} req/s; CPU per order off ${split('off')}, on ` +
        `${split('on')}; ${eventsPerOrder.toFixed(2)} events per order; the idle service used ${((idleCpu / idleSeconds) * 100).toFixed(1)}% of a core meanwhile; ` +
        `${digests} digests signed by the running producer; load average ${load()}`,
    );
  } finally {
    await Promise.all(apis.map((s) => s.stop()));
  }
}

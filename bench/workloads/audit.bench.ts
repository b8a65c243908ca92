import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { Pool } from 'pg';
import { createEventStore } from '../../libs/event-store/src';
import { STREAM_PREFIXES } from '../../libs/domain/src/streams/stream-registry';
import { ingestBatch, migrateAuditLog } from '../../libs/capabilities/audit-trail/log/audit-log.store';
import { startApi, type ApiProcess } from '../support/api-process';
import { cannon } from '../support/autocannon';
import { withClient } from '../support/database';
import { inParallel, orderBody, placeOrder, registerCustomer } from '../support/http-client';
import { cloneHistory, count, newPartner, writeTemplateHistory } from '../support/seed-events';

/**
 * Issue 17's audit trail:
 * - hashing: the digest producer's ingestion (canonical form, leaf hash, tree nodes, leaves and nodes stored, the
 *   checkpoint) over a replay of the bench's 1,000,000 events (events/s), run in this process as the worker runs it;
 * - export: GET /v1/events/export of those events through an api process (events/s, the api's RSS before and at
 *   most during the export);
 * - place order with the digest producer running (AUDIT_DIGEST_EVERY_MS=1000) and not (a period of a day): two
 *   services side by side (api and worker processes each), 15 s runs alternated, off/on/off/on.
 */
const EVENTS = Number(process.env.BENCH_AUDIT_EVENTS ?? 1_000_000);
const RUN_SECONDS = 15;
const CONNECTIONS = 32;

/** The process's resident memory now (VmRSS: the high-water mark would include the source compilation at start). */
async function rss(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

export async function runAuditBench(
  log: (m: string) => void,
): Promise<{ results: Record<string, number>; notes: string[] }> {
  const notes: string[] = [];
  const results: Record<string, number> = {};
  const partner = newPartner();

  // 1. Hashing over a replay.
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
    const handle = await createEventStore({
      databaseUrl: db.url,
      dataDir: '/nonexistent',
      streamPrefixes: STREAM_PREFIXES,
    });
    const pool = new Pool({ connectionString: db.url, max: 2 });
    try {
      await migrateAuditLog(pool);
      log(`audit: hashing ${events.toLocaleString('en')} events into their trees`);
      const started = performance.now();
      let hashed = 0;
      for (let n = await ingestBatch(pool, handle.store, 1000); n > 0; n = await ingestBatch(pool, handle.store, 1000))
        hashed += n;
      const seconds = (performance.now() - started) / 1000;
      results.audit_hashing_eps = Math.round(hashed / seconds);
      notes.push(
        `audit hashing: ${hashed} events in ${seconds.toFixed(1)} s (ingest batches of 1,000, leaves and nodes stored)`,
      );
    } finally {
      await pool.end();
      await handle.close();
    }

    // 2. The export of the partner's log through an api process (no worker: only the export runs).
    exporter = await startApi({ prefix: 'bench_audit', db, partners: [partner], env: { ROLE: 'api' } });
    const token = await exporter.token(partner, ['Auditor']);
    log('audit: exporting the partner’s log as NDJSON');
    const before = await rss(exporter.pid);
    let peak = before;
    const poll = setInterval(() => void rss(exporter!.pid).then((mb) => (peak = Math.max(peak, mb))), 100);
    const started = performance.now();
    const res = await fetch(`${exporter.baseUrl}/v1/events/export`, { headers: { authorization: `Bearer ${token}` } });
    let lines = 0;
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>)
      for (const b of chunk) if (b === 10) lines++;
    clearInterval(poll);
    peak = Math.max(peak, await rss(exporter.pid));
    const seconds = (performance.now() - started) / 1000;
    results.audit_export_eps = Math.round(lines / seconds);
    results.audit_export_peak_rss_mb = Math.round(peak);
    results.audit_export_rss_growth_mb = Math.round(peak - before);
    notes.push(
      `audit export: ${lines} lines in ${seconds.toFixed(1)} s, status ${res.status}; api RSS ${before.toFixed(0)} MB ` +
        `before, at most ${peak.toFixed(0)} MB during the export (sampled every 100 ms)`,
    );
  } finally {
    await exporter?.stop({ keepDatabase: true });
    await db.drop().catch(() => undefined);
  }

  // 3. Place order, producer on and off.
  const services = await Promise.all(
    ['86400000', '1000'].map((every) =>
      startApi({ prefix: 'bench_audit_http', split: true, partners: [partner], env: { AUDIT_DIGEST_EVERY_MS: every } }),
    ),
  );
  try {
    const targets = await Promise.all(
      services.map(async (api) => {
        const token = await api.token(partner);
        const buyer = await registerCustomer(api.baseUrl, token);
        await inParallel(
          Array.from({ length: 100 }),
          8,
          async () => void (await placeOrder(api.baseUrl, token, buyer)),
        );
        return { api, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, buyer };
      }),
    );
    const rps: Record<'off' | 'on', number[]> = { off: [], on: [] };
    for (const round of [0, 1]) {
      for (const [i, mode] of (['off', 'on'] as const).entries()) {
        const t = targets[i];
        log(`audit: place orders, producer ${mode}, round ${round + 1}, ${CONNECTIONS} connections × ${RUN_SECONDS} s`);
        const r = await cannon({
          url: `${t.api.baseUrl}/v1/customers/${t.buyer}/orders`,
          method: 'POST',
          connections: CONNECTIONS,
          duration: RUN_SECONDS,
          headers: t.headers,
          body: JSON.stringify(orderBody),
        });
        if (r.non2xx || r.errors) notes.push(`place order (${mode}): ${r.non2xx} non-2xx, ${r.errors} errors`);
        rps[mode].push(r.requests.total / RUN_SECONDS);
      }
    }
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    results.audit_place_order_rps_producer_off = Math.round(mean(rps.off));
    results.audit_place_order_rps_producer_on = Math.round(mean(rps.on));
    results.audit_place_order_cost_pct = Number((((mean(rps.off) - mean(rps.on)) / mean(rps.off)) * 100).toFixed(1));
    const digests = await withClient(services[1].db.url, (c) => count(c, 'SELECT count(*) AS n FROM audit_digests'));
    notes.push(
      `place order rounds off ${rps.off.map(Math.round).join(', ')} / on ${rps.on.map(Math.round).join(', ')} req/s; ` +
        `${digests} digests signed by the running producer (run ${randomUUID().slice(0, 8)})`,
    );
  } finally {
    await Promise.all(services.map((s) => s.stop()));
  }
  return { results, notes };
}

import { loadavg } from 'node:os';
import { startApi, type ApiProcess } from '../support/api-process';
import { cannon } from '../support/autocannon';
import { bulkSeed, readTemplate, seedPlan, writeScaleTemplate } from '../support/bulk-seed';
import { withClient } from '../support/database';
import { call, inParallel, orderBody, placeOrder, registerCustomer } from '../support/http-client';
import { cpuDuring } from '../support/cpu';
import { curve, DEFAULT_SCALE_STEPS, parseScaleSteps } from '../support/scale-steps';
import { databaseMb, measureStore, storeHead, waitCaughtUp } from '../support/scale-store';
import { newPartner } from '../support/seed-events';

/**
 * Scale: the same figures with 10 thousand, 1 million and 10 million events already stored (BENCH_SCALE_STEPS,
 * say "10k,1m", to stop earlier). One database grows through the steps: bulk-seeded copies of a history the
 * service wrote (bench/support/bulk-seed.ts) of three partners' customers over 90 days, then the service's own
 * worker catches up (projections, audit log) before anything is measured. At each step:
 * - the store's appends (new and existing streams) and whole-stream reads (bench/support/scale-store.ts);
 * - place-order over HTTP (api and worker processes): 32 connections × 10 s, req/s and p99;
 * - the 30-day activity log (GET /v1/auditrecords of the first partner): 4 connections × 10 s, p99;
 * - the database's size on disk.
 */
export const SCALE_LABELS = ['10k', '1m', '10m'];
export const SCALE_FIGURES = [
  'scale_append_new_eps',
  'scale_append_existing_eps',
  'scale_read_stream_sps',
  'scale_place_order_rps',
  'scale_place_order_p99_ms',
  'scale_activity_p99_ms',
  'scale_disk_mb',
];
const PLACE_CONNECTIONS = 32;
const PLACE_SECONDS = 10;
const ACTIVITY_CONNECTIONS = 4;
const ACTIVITY_SECONDS = 10;
const SPAN_DAYS = 90;
const SEED_SESSIONS = 2;
const CATCH_UP_MS = 90 * 60_000;

const day = (d: Date) => d.toISOString().slice(0, 10);
const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

export async function runScaleBench(
  log: (m: string) => void,
): Promise<{ results: Record<string, number>; notes: string[] }> {
  const steps = parseScaleSteps(process.env.BENCH_SCALE_STEPS ?? DEFAULT_SCALE_STEPS);
  const partners = [newPartner(), newPartner(), newPartner()];
  const start = () => startApi({ prefix: 'bench_scale', db: api.db, partners, split: true });
  let api: ApiProcess = await startApi({ prefix: 'bench_scale', partners, split: true });
  const results: Record<string, number> = {};
  const notes: string[] = [];
  const cpuNotes: Record<string, string[]> = {};
  try {
    await writeScaleTemplate(api, partners[0]!);
    await api.stop({ keepDatabase: true });
    const plan = seedPlan(await readTemplate(api.db.url), partners[0]!, partners);
    let nextSet = 1;
    for (const step of steps) {
      const at = (figure: string) => `${figure}_${step.label}`;
      const stored = await storeHead(api.db.url);
      const sets = Math.max(0, Math.ceil((step.events - stored.events) / plan.perSet));
      log(`scale ${step.label}: ${stored.events.toLocaleString('en')} events stored, seeding ${sets * plan.perSet}`);
      const seeded = await bulkSeed(api.db.url, plan, {
        firstSet: nextSet,
        sets,
        spanDays: SPAN_DAYS,
        sessions: SEED_SESSIONS,
        log,
      });
      nextSet += sets;
      const seedEps = Math.round(seeded.events / Math.max(seeded.seconds, 1e-3));
      const seedCpu = ((seeded.cpuSeconds * 1e6) / Math.max(1, seeded.events)).toFixed(1);
      notes.push(
        `scale ${step.label}: seeded ${seeded.events.toLocaleString('en')} events in ${seeded.seconds.toFixed(0)} s ` +
          `(${seedEps.toLocaleString('en')}/s, ${seedCpu} µs PostgreSQL CPU per event), load ${load()}`,
      );

      const { head, events } = await storeHead(api.db.url);
      api = await start();
      const caughtUp = await waitCaughtUp(api.db.url, head, CATCH_UP_MS, log);
      await withClient(api.db.url, (c) => c.query('ANALYZE'));
      log(`scale ${step.label}: ${events.toLocaleString('en')} events, worker caught up in ${caughtUp.toFixed(0)} s`);

      const http = await measureHttp(api, partners[0]!, log);
      results[at('scale_place_order_rps')] = http.placeRps;
      results[at('scale_place_order_p99_ms')] = http.placeP99;
      results[at('scale_activity_p99_ms')] = http.activityP99;
      await api.stop({ keepDatabase: true });

      const store = await measureStore(api.db.url);
      results[at('scale_append_new_eps')] = store.appendNewEps;
      results[at('scale_append_existing_eps')] = store.appendExistingEps;
      results[at('scale_read_stream_sps')] = store.readStreamSps;
      results[at('scale_disk_mb')] = await databaseMb(api.db.url);
      cpuNotes[step.label] = [
        `append new ${store.appendNewCpuUs} µs`,
        `append existing ${store.appendExistingCpuUs} µs`,
        `read stream ${store.readStreamCpuUs} µs`,
        `place order ${http.placeCpuUs} µs (api ${http.placeApiCpuUs} µs)`,
      ];
      notes.push(
        `scale ${step.label}: ${events.toLocaleString('en')} events (${results[at('scale_disk_mb')]} MB), worker caught up ` +
          `in ${caughtUp.toFixed(0)} s; ${http.activityTotal} audit records in the 30-day range; CPU per operation ` +
          `(PostgreSQL, load-independent): ${cpuNotes[step.label]!.join(', ')}; load ${load()}`,
      );
    }
    for (const figure of SCALE_FIGURES)
      notes.push(
        `curve ${figure} (vs ${steps[0]!.label}): ${curve(steps.map((s) => ({ label: s.label, value: results[`${figure}_${s.label}`] })))}`,
      );
    return { results, notes };
  } finally {
    await api.stop();
  }
}

async function measureHttp(
  api: ApiProcess,
  partner: string,
  log: (m: string) => void,
): Promise<{
  placeRps: number;
  placeP99: number;
  placeCpuUs: number;
  placeApiCpuUs: number;
  activityP99: number;
  activityTotal: number;
}> {
  const token = await api.token(partner, ['AdminAgent', 'GlobalAdmin', 'Auditor']);
  const buyer = await registerCustomer(api.baseUrl, token);
  await inParallel(Array.from({ length: 100 }), 8, async () => void (await placeOrder(api.baseUrl, token, buyer)));
  log(`scale: place orders, ${PLACE_CONNECTIONS} connections × ${PLACE_SECONDS} s`);
  let place: Awaited<ReturnType<typeof cannon>> | undefined;
  const cpu = await cpuDuring(api, async () => {
    place = await cannon({
      url: `${api.baseUrl}/v1/customers/${buyer}/orders`,
      method: 'POST',
      connections: PLACE_CONNECTIONS,
      duration: PLACE_SECONDS,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(orderBody),
    });
  });
  if (!place || place.non2xx || place.errors)
    throw new Error(`place order: ${place?.non2xx} non-2xx, ${place?.errors} errors`);
  const orders = place.requests.total;

  const end = new Date();
  const path = `/v1/auditrecords?startDate=${day(new Date(end.getTime() - 29 * 86_400_000))}&endDate=${day(end)}`;
  const first = await call(api.baseUrl, token, 'GET', path);
  if (first.status !== 200) throw new Error(`${path}: ${first.status} ${JSON.stringify(first.body)}`);
  log(`scale: ${path}, ${ACTIVITY_CONNECTIONS} connections × ${ACTIVITY_SECONDS} s`);
  const activity = await cannon({
    url: `${api.baseUrl}${path}`,
    connections: ACTIVITY_CONNECTIONS,
    duration: ACTIVITY_SECONDS,
    headers: { authorization: `Bearer ${token}` },
  });
  if (activity.non2xx || activity.errors)
    throw new Error(`activity: ${activity.non2xx} non-2xx, ${activity.errors} errors`);
  return {
    placeRps: Math.round(orders / PLACE_SECONDS),
    placeP99: place.latency.p99,
    placeCpuUs: Math.round((cpu.api + cpu.worker + cpu.postgres) / orders),
    placeApiCpuUs: Math.round(cpu.api / orders),
    activityP99: activity.latency.p99,
    activityTotal: Number(first.body.totalCount ?? 0),
  };
}

import { randomBytes } from 'node:crypto';
import type { ApiProcess } from './api-process';
import { buildSeedPlan, type SeedPlan, type TemplateRow } from './bulk-seed-sql';
import { withClient } from './database';
import { call, placeOrder, registerCustomer, revealAndLink } from './http-client';
import { processCpuMicros } from './cpu';
import { STREAM_TYPES } from '../../libs/domain/src/streams/stream-registry';

/**
 * Millions of events in minutes: the service writes one small history over HTTP (a customer and its domain claim;
 * an order with three key reveals and a download link; two more orders, one with a key revealed; a fourth order,
 * cancelled, and the worker's propagation of that cancellation: 13 events, one order in four cancelled), then bulkSeed copies it with one INSERT … SELECT per transaction (see
 * bulk-seed-sql.ts). The copies are spread over `spanDays` before now, so that date ranges select a realistic
 * share, and belong to the given partners in turn. The service's projections and audit log are then built by its
 * own worker from those events, as from any others.
 */
export const SCALE_REVEALS = 3;

export async function writeScaleTemplate(api: ApiProcess, partnerTenantId: string): Promise<void> {
  const token = await api.token(partnerTenantId, ['AdminAgent', 'GlobalAdmin', 'Auditor']);
  const customerId = await registerCustomer(api.baseUrl, token);
  const kept = await placeOrder(api.baseUrl, token, customerId);
  const path = `/v1/customers/${customerId}/software/${kept}_0`;
  await revealAndLink(api.baseUrl, token, path, SCALE_REVEALS);
  const second = await placeOrder(api.baseUrl, token, customerId);
  const reveal = await call(api.baseUrl, token, 'POST', `/v1/customers/${customerId}/software/${second}_0/key`, {
    version: '2022',
  });
  if (reveal.status !== 200) throw new Error(`reveal key: ${reveal.status} ${JSON.stringify(reveal.body)}`);
  await placeOrder(api.baseUrl, token, customerId);
  const cancelled = await placeOrder(api.baseUrl, token, customerId);
  const cancel = await call(api.baseUrl, token, 'PATCH', `/v1/customers/${customerId}/orders/${cancelled}`, {
    status: 'cancelled',
  });
  if (cancel.status !== 200) throw new Error(`cancel order: ${cancel.status} ${JSON.stringify(cancel.body)}`);
  // The worker propagates the cancellation (keys, links, credit) and records it: wait for that event.
  const until = Date.now() + 60_000;
  for (;;) {
    const done = await withClient(api.db.url, (c) =>
      c.query(`SELECT 1 FROM es_events WHERE stream_id = $1 AND type = 'CancellationPropagated'`, [
        `${STREAM_TYPES.order}${cancelled}`,
      ]),
    );
    if (done.rowCount) return;
    if (Date.now() > until) throw new Error('the cancellation was not propagated within 60 s');
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** The template: every event but the partners' own registrations, in global order. */
export async function readTemplate(url: string): Promise<TemplateRow[]> {
  return withClient(url, async (c) => {
    const rows = await c.query<{
      stream_id: string;
      stream_position: string;
      event_id: string;
      type: string;
      data: string;
      metadata: string;
      recorded_at: Date;
    }>(
      `SELECT stream_id, stream_position, event_id::text, type, data::text, metadata::text, recorded_at
         FROM es_events WHERE stream_id NOT LIKE '${STREAM_TYPES.partner}%' ORDER BY global_position`,
    );
    return rows.rows.map((r) => ({
      streamId: r.stream_id,
      streamPosition: Number(r.stream_position),
      eventId: r.event_id,
      type: r.type,
      data: r.data,
      metadata: r.metadata,
      recordedAt: r.recorded_at,
    }));
  });
}

export function seedPlan(template: TemplateRow[], templatePartner: string, partners: string[]): SeedPlan {
  return buildSeedPlan({ template, templatePartner, partners, salt: randomBytes(6).toString('hex') });
}

export interface SeedOutcome {
  events: number;
  seconds: number;
  /** CPU time of the seeding backends (PostgreSQL does all the work), load-independent. */
  cpuSeconds: number;
}

/**
 * Sets `firstSet` … `firstSet + sets - 1` of the plan, one transaction per 4,096 positions, spread evenly over
 * the `spanDays` before now, by `sessions` connections at once (transactions are independent: each one's
 * positions come from its own transaction id). Asynchronous commit: a crash would lose the seed, not corrupt it.
 */
export async function bulkSeed(
  url: string,
  plan: SeedPlan,
  opts: { firstSet: number; sets: number; spanDays: number; sessions: number; log: (m: string) => void },
): Promise<SeedOutcome> {
  const spanMs = opts.spanDays * 86_400_000;
  const start = Date.now() - spanMs;
  const spacing = spanMs / Math.max(1, opts.sets);
  const last = opts.firstSet + opts.sets - 1;
  let next = opts.firstSet;
  let done = 0;
  const started = performance.now();
  let lastLog = started;
  let cpuMicros = 0;
  await Promise.all(
    Array.from({ length: opts.sessions }, () =>
      withClient(url, async (c) => {
        await c.query('SET synchronous_commit = off');
        const pid = (await c.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
        const cpu0 = await processCpuMicros(pid);
        for (let from = next; from <= last; from = next) {
          const to = Math.min(last, from + plan.setsPerTransaction - 1);
          next = to + 1;
          const first = new Date(start + (from - opts.firstSet) * spacing).toISOString();
          await c.query({ name: 'bulk_seed', text: plan.sql, values: [from, to, first, spacing] });
          done += (to - from + 1) * plan.perSet;
          if (performance.now() - lastLog > 15_000) {
            lastLog = performance.now();
            const rate = Math.round(done / ((lastLog - started) / 1000));
            opts.log(`seed: ${done.toLocaleString('en')} events (${rate.toLocaleString('en')}/s)`);
          }
        }
        cpuMicros += (await processCpuMicros(pid)) - cpu0;
      }),
    ),
  );
  const seconds = (performance.now() - started) / 1000;
  await withClient(url, async (c) => {
    await c.query('ANALYZE es_events');
    await c.query('ANALYZE es_streams');
  });
  return { events: done, seconds, cpuSeconds: cpuMicros / 1e6 };
}

import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { PostgresEventStore } from '../../libs/event-store/src/postgres/postgres-event-store';
import { startApi } from '../support/api-process';
import { cloneEvent, templateEvents } from '../support/clone-events';
import { withClient } from '../support/database';
import { percentile, registerCustomer } from '../support/http-client';
import { streamIdOf } from '../../libs/domain/src/streams/stream-registry';

/**
 * Projection lag at 1,000 events/s: CustomerRegistered events appended straight to the service's event store
 * (12 s, the first 2 s not measured), each timed from the start of its append until the `customers`
 * projection's checkpoint NOTIFY (channel read_model_checkpoints, sent in the projection's commit) covers it.
 */
const RATE = 1000;
const SECONDS = 12;
const WARMUP_SECONDS = 2;
const MAX_IN_FLIGHT = 128;
const DRAIN_MS = 30_000;

export async function runLagBench(
  log: (m: string) => void,
): Promise<{ results: Record<string, number>; notes: string[] }> {
  const partner = randomUUID();
  const api = await startApi({ prefix: 'bench_lag', partners: [partner] });
  const notes: string[] = [];
  const store = await PostgresEventStore.create({ connectionString: api.db.url, poolSize: 16 });
  const listener = new Client({ connectionString: api.db.url });
  try {
    const token = await api.token(partner);
    const customerId = await registerCustomer(api.baseUrl, token);
    const [template] = await withClient(api.db.url, (c) => templateEvents(c, `type = 'CustomerRegistered'`));
    if (!template) throw new Error('no CustomerRegistered event to clone');
    const domain = String(template.data.domain);

    let checkpoint = 0;
    const pending: { position: number; t0: number; measured: boolean }[] = [];
    const lags: number[] = [];
    const settle = (now: number) => {
      for (let i = pending.length - 1; i >= 0; i--) {
        const p = pending[i]!;
        if (p.position <= checkpoint) {
          if (p.measured) lags.push(now - p.t0);
          pending.splice(i, 1);
        }
      }
    };
    await listener.connect();
    listener.on('notification', (m) => {
      const [name, pos] = (m.payload ?? '').split(':');
      if (name !== 'customers') return;
      checkpoint = Math.max(checkpoint, Number(pos));
      settle(performance.now());
    });
    await listener.query('LISTEN read_model_checkpoints');

    log(`lag: ${RATE} events/s for ${SECONDS} s (first ${WARMUP_SECONDS} s not measured)`);
    const total = RATE * SECONDS;
    let sent = 0;
    let inFlight = 0;
    let failed = 0;
    let throttled = 0;
    const start = performance.now();
    const appends: Promise<void>[] = [];
    while (sent < total) {
      const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * RATE));
      while (sent < due) {
        if (inFlight >= MAX_IN_FLIGHT) {
          throttled++;
          break;
        }
        const n = sent++;
        const id = randomUUID();
        const event = cloneEvent(template, { [customerId]: id, [domain]: `lag-${n}-${domain}` });
        const measured = n >= RATE * WARMUP_SECONDS;
        const t0 = performance.now();
        inFlight++;
        appends.push(
          store
            .appendToStream(
              streamIdOf('customer', id),
              [{ type: event.type, data: event.data, metadata: event.metadata }],
              {
                expectedVersion: 'no_stream',
              },
            )
            .then(
              (r) => {
                pending.push({ position: r.lastGlobalPosition, t0, measured });
                settle(performance.now());
              },
              () => void failed++,
            )
            .finally(() => void inFlight--),
        );
      }
      await new Promise((r) => setTimeout(r, 2));
    }
    await Promise.all(appends);
    const achieved = total / ((performance.now() - start) / 1000);
    const drainUntil = Date.now() + DRAIN_MS;
    while (pending.length > 0 && Date.now() < drainUntil) await new Promise((r) => setTimeout(r, 50));
    if (pending.length)
      notes.push(`lag: ${pending.length} events not visible within ${DRAIN_MS / 1000} s after the load`);
    if (failed) notes.push(`lag: ${failed} appends failed`);
    if (throttled) notes.push(`lag: appends fell behind the schedule (${MAX_IN_FLIGHT} in flight) ${throttled} times`);
    notes.push(`lag: achieved ${Math.round(achieved)} events/s`);
    lags.sort((a, b) => a - b);
    return {
      results: {
        projection_lag_p50_ms: Math.round(percentile(lags, 50) * 10) / 10,
        projection_lag_p99_ms: Math.round(percentile(lags, 99) * 10) / 10,
      },
      notes,
    };
  } finally {
    await listener.end().catch(() => undefined);
    await store.close();
    await api.stop();
  }
}

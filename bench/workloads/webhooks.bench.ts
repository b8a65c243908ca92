import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PostgresEventStore } from '../../libs/event-store/src/postgres/postgres-event-store';
import { startApi } from '../support/api-process';
import { cloneEvent, templateEvents } from '../support/clone-events';
import { withClient } from '../support/database';
import { call, percentile, placeOrder, registerCustomer } from '../support/http-client';
import { streamIdOf } from '../../libs/domain/src/streams/stream-registry';

/**
 * Webhook delivery: one endpoint subscribed to order.placed on a local receiver (127.0.0.1, answers 204 at once);
 * 2,000 OrderPlaced events (clones of one the service wrote) appended straight to the store, 64 at a time. Reports
 * deliveries per second (first to last arrival at the receiver) and the lag from each append's start to the
 * arrival of its signed delivery (p50, p99).
 */
const EVENTS = 2000;
const IN_FLIGHT = 64;
const DRAIN_MS = 180_000;

export async function runWebhooksBench(
  log: (m: string) => void,
): Promise<{ results: Record<string, number>; notes: string[] }> {
  const partner = randomUUID();
  const notes: string[] = [];
  const arrivals = new Map<number, number>();
  const receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const position = Number(JSON.parse(body).data.position);
      if (!arrivals.has(position)) arrivals.set(position, performance.now());
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
  const api = await startApi({
    prefix: 'bench_webhooks',
    partners: [partner],
    env: { WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true', WEBHOOK_CONCURRENCY: '32' },
  });
  const store = await PostgresEventStore.create({ connectionString: api.db.url, poolSize: 16 });
  try {
    const agent = await api.token(partner);
    const billing = await api.token(partner, ['BillingAdmin']);
    const endpoint = await call(api.baseUrl, billing, 'POST', '/v1/webhooks/endpoints', {
      url,
      eventTypes: ['order.placed'],
    });
    if (endpoint.status !== 201) throw new Error(`register endpoint: ${endpoint.status}`);
    const customerId = await registerCustomer(api.baseUrl, agent);
    const orderId = await placeOrder(api.baseUrl, agent, customerId);
    const [template] = await withClient(api.db.url, (c) =>
      templateEvents(c, `type = 'OrderPlaced' AND stream_id = $1`, [streamIdOf('order', orderId)]),
    );
    if (!template) throw new Error('no OrderPlaced event to clone');

    log(`webhooks: ${EVENTS} OrderPlaced events, ${IN_FLIGHT} appends in flight, one endpoint on 127.0.0.1`);
    const started = new Map<number, number>();
    let next = 0;
    const appendOne = async (): Promise<void> => {
      while (next < EVENTS) {
        next++;
        const id = randomUUID();
        const e = cloneEvent(template, { [orderId]: id });
        const t0 = performance.now();
        const r = await store.appendToStream(
          streamIdOf('order', id),
          [{ type: e.type, data: e.data, metadata: e.metadata }],
          { expectedVersion: 'no_stream' },
        );
        started.set(r.lastGlobalPosition, t0);
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, appendOne));
    const until = Date.now() + DRAIN_MS;
    const delivered = () => [...started.keys()].filter((p) => arrivals.has(p)).length;
    while (delivered() < EVENTS && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
    if (delivered() < EVENTS)
      notes.push(`webhooks: ${EVENTS - delivered()} events not delivered within ${DRAIN_MS / 1000} s`);
    const times = [...started].filter(([p]) => arrivals.has(p)).map(([p, t0]) => [t0, arrivals.get(p)!] as const);
    const first = Math.min(...times.map(([, a]) => a));
    const last = Math.max(...times.map(([, a]) => a));
    const lags = times.map(([t0, a]) => a - t0).sort((a, b) => a - b);
    return {
      results: {
        webhook_deliveries_per_s: Math.round(times.length / Math.max(0.001, (last - first) / 1000)),
        webhook_lag_p50_ms: Math.round(percentile(lags, 50)),
        webhook_lag_p99_ms: Math.round(percentile(lags, 99)),
      },
      notes,
    };
  } finally {
    await store.close();
    await api.stop();
    await new Promise((r) => receiver.close(r));
  }
}

import { randomUUID } from 'node:crypto';
import { startApi } from '../support/api-process';
import { withClient } from '../support/database';
import { WorkloadSkipped } from '../support/skipped';
import { call, inParallel, percentile, placeOrder, registerCustomer } from '../support/http-client';
import { streamIdOf } from '../../libs/domain/src/streams/stream-registry';

/**
 * Cancellation propagation: 1,000 orders placed, then cancelled over HTTP (8 at a time); for each, the time
 * from OrderCancelled to CancellationPropagated, both as recorded in the event store (one clock: the database's).
 * If the first cancellation does not propagate within 30 s, the feature is taken to be missing.
 */
const ORDERS = 1000;
const CONCURRENCY = 8;
const PROBE_MS = 30_000;
const DRAIN_MS = 180_000;

interface Timing {
  stream_id: string;
  cancelled_at: Date;
  propagated_at: Date | null;
}

async function timings(url: string): Promise<Timing[]> {
  return withClient(
    url,
    async (c) =>
      (
        await c.query<Timing>(
          `SELECT c.stream_id, min(c.recorded_at) AS cancelled_at, min(p.recorded_at) AS propagated_at
           FROM es_events c
           LEFT JOIN es_events p ON p.stream_id = c.stream_id AND p.type = 'CancellationPropagated'
          WHERE c.type = 'OrderCancelled'
          GROUP BY c.stream_id`,
        )
      ).rows,
  );
}

export async function runPropagationBench(
  log: (m: string) => void,
): Promise<{ results: Record<string, number>; notes: string[] }> {
  const partner = randomUUID();
  const api = await startApi({ prefix: 'bench_propagation', partners: [partner] });
  const notes: string[] = [];
  try {
    const token = await api.token(partner);
    const customerId = await registerCustomer(api.baseUrl, token);
    const cancel = async (orderId: string) => {
      const res = await call(api.baseUrl, token, 'PATCH', `/v1/customers/${customerId}/orders/${orderId}`, {
        status: 'cancelled',
        acknowledgedCancellationNotice: true,
      });
      if (res.status !== 200) throw new Error(`cancel: ${res.status} ${JSON.stringify(res.body)}`);
    };

    // Probe: does a cancellation propagate at all?
    await cancel(await placeOrder(api.baseUrl, token, customerId));
    const probeUntil = Date.now() + PROBE_MS;
    while (!(await timings(api.db.url)).some((t) => t.propagated_at) && Date.now() < probeUntil)
      await new Promise((r) => setTimeout(r, 250));
    if (!(await timings(api.db.url)).some((t) => t.propagated_at))
      throw new WorkloadSkipped(`no CancellationPropagated within ${PROBE_MS / 1000} s of an OrderCancelled`);

    log(`propagation: placing ${ORDERS} orders`);
    const orders: string[] = [];
    await inParallel(
      Array.from({ length: ORDERS }),
      CONCURRENCY,
      async () => void orders.push(await placeOrder(api.baseUrl, token, customerId)),
    );
    log(`propagation: cancelling them, ${CONCURRENCY} at a time`);
    const streams = new Set(orders.map((o) => streamIdOf('order', o)));
    await inParallel(orders, CONCURRENCY, cancel);

    const until = Date.now() + DRAIN_MS;
    let mine: Timing[] = [];
    for (;;) {
      mine = (await timings(api.db.url)).filter((t) => streams.has(t.stream_id));
      if (mine.filter((t) => t.propagated_at).length >= ORDERS || Date.now() > until) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    const done = mine.filter((t) => t.propagated_at);
    if (done.length < ORDERS)
      notes.push(`propagation: ${ORDERS - done.length} of ${ORDERS} not propagated within ${DRAIN_MS / 1000} s`);
    const ms = done.map((t) => t.propagated_at!.getTime() - t.cancelled_at.getTime()).sort((a, b) => a - b);
    return {
      results: { propagation_p50_ms: percentile(ms, 50), propagation_p99_ms: percentile(ms, 99) },
      notes,
    };
  } finally {
    await api.stop();
  }
}

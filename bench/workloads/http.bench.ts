import { randomUUID } from 'node:crypto';
import { startApi } from '../support/api-process';
import { cannon, type AutocannonResult } from '../support/autocannon';
import { inParallel, orderBody, placeOrder, registerCustomer } from '../support/http-client';

/**
 * The whole service over HTTP (an api process and a worker process, PostgreSQL and Redis of the machine):
 * - place orders: 32 connections for 20 s (req/s, p50, p99);
 * - reveal keys: 32 connections for 10 s, rotating over 200 software items of one customer;
 * - list a customer's software (20 orders): 32 connections for 10 s.
 */
export const HTTP_CONNECTIONS = 32;
const PLACE_SECONDS = 20;
const OTHER_SECONDS = 10;

export async function runHttpBench(
  log: (m: string) => void,
): Promise<{ results: Record<string, number>; notes: string[] }> {
  // As production runs it: the api and the worker in processes of their own.
  const partner = randomUUID();
  const api = await startApi({ prefix: 'bench_http', split: true, partners: [partner] });
  const notes: string[] = [];
  const check = (name: string, r: AutocannonResult) => {
    if (r.non2xx || r.errors || r.timeouts)
      notes.push(`${name}: ${r.non2xx} non-2xx, ${r.errors} errors, ${r.timeouts} timeouts of ${r.requests.total}`);
  };
  try {
    const token = await api.token(partner);
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const buyer = await registerCustomer(api.baseUrl, token);
    // Warm-up: code paths compiled, pools filled, projections running.
    await inParallel(Array.from({ length: 100 }), 8, async () => void (await placeOrder(api.baseUrl, token, buyer)));

    log(`http: place orders, ${HTTP_CONNECTIONS} connections × ${PLACE_SECONDS} s`);
    const place = await cannon({
      url: `${api.baseUrl}/v1/customers/${buyer}/orders`,
      method: 'POST',
      connections: HTTP_CONNECTIONS,
      duration: PLACE_SECONDS,
      headers,
      body: JSON.stringify(orderBody),
    });
    check('place order', place);

    const keyHolder = await registerCustomer(api.baseUrl, token);
    const orders: string[] = [];
    await inParallel(
      Array.from({ length: 200 }),
      8,
      async () => void orders.push(await placeOrder(api.baseUrl, token, keyHolder)),
    );
    const keyPaths = orders.map((o) => `/v1/customers/${keyHolder}/software/${o}_0/key`);
    let k = 0;
    log(`http: reveal keys, ${HTTP_CONNECTIONS} connections × ${OTHER_SECONDS} s over ${keyPaths.length} items`);
    const reveal = await cannon({
      url: `${api.baseUrl}/`,
      connections: HTTP_CONNECTIONS,
      duration: OTHER_SECONDS,
      requests: [
        {
          method: 'POST',
          headers,
          body: JSON.stringify({ version: '2022' }),
          setupRequest: (req) => ({ ...req, path: keyPaths[k++ % keyPaths.length] }),
        },
      ],
    });
    check('reveal key', reveal);

    const lister = await registerCustomer(api.baseUrl, token);
    await inParallel(Array.from({ length: 20 }), 4, async () => void (await placeOrder(api.baseUrl, token, lister)));
    log(`http: list software, ${HTTP_CONNECTIONS} connections × ${OTHER_SECONDS} s`);
    const list = await cannon({
      url: `${api.baseUrl}/v1/customers/${lister}/software`,
      connections: HTTP_CONNECTIONS,
      duration: OTHER_SECONDS,
      headers: { authorization: headers.authorization },
    });
    check('list software', list);

    return {
      results: {
        http_place_order_rps: Math.round(place.requests.total / PLACE_SECONDS),
        http_place_order_p50_ms: place.latency.p50,
        http_place_order_p99_ms: place.latency.p99,
        http_reveal_key_rps: Math.round(reveal.requests.total / OTHER_SECONDS),
        http_list_software_rps: Math.round(list.requests.total / OTHER_SECONDS),
      },
      notes,
    };
  } finally {
    await api.stop();
  }
}

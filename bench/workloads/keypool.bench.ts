import { randomInt, randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { startApi, type ApiProcess } from '../support/api-process';
import { cannon } from '../support/autocannon';
import { inParallel, PERPETUAL_OFFER, placeOrder, registerCustomer } from '../support/http-client';

/**
 * Key custody (issue 15), the service in one process on the machine's PostgreSQL and Redis:
 * - import 100,000 keys in one POST /v1/keypool/imports (keys/s, the process's peak RSS);
 * - reveal keys over 200 software items, in pool mode and in derived mode: the first reveal of each (8 at a time;
 *   in pool mode it takes a key and records KeyAssigned), then repeats, 32 connections for 10 s (req/s; the key is
 *   read back and decrypted).
 * The keys are random test keys, generated here and never printed.
 */
const IMPORT_KEYS = 100_000;
const CONNECTIONS = 32;
const SECONDS = 10;
const ITEMS = 200;
const ALPHABET = 'BCDFGHJKMPQRTVWXY2346789';
const KEK = `bench:${Buffer.alloc(32, 0x42).toString('base64')}`;

const mak = (): string =>
  Array.from({ length: 5 }, () => Array.from({ length: 5 }, () => ALPHABET[randomInt(24)]).join('')).join('-');

/** Peak resident set of a process (VmHWM), in MB. */
async function peakRssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? NaN);
  return Math.round(kb / 1024);
}

/** First reveals (each takes a key: an assignment) of 200 items, 8 at a time; then repeats under autocannon. */
async function reveals(
  api: ApiProcess,
  partner: string,
  notes: string[],
  mode: string,
): Promise<{ first: number; repeat: number }> {
  const token = await api.token(partner);
  const customer = await registerCustomer(api.baseUrl, token);
  const orders: string[] = [];
  await inParallel(
    Array.from({ length: ITEMS }),
    8,
    async () => void orders.push(await placeOrder(api.baseUrl, token, customer)),
  );
  const paths = orders.map((o) => `/v1/customers/${customer}/software/${o}_0/key`);
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const t0 = performance.now();
  await inParallel(paths, 8, async (path) => {
    const res = await fetch(`${api.baseUrl}${path}`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ version: '2022' }),
    });
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`first reveal (${mode}): ${res.status}`);
  });
  const first = Math.round(ITEMS / ((performance.now() - t0) / 1000));
  let k = 0;
  const r = await cannon({
    url: `${api.baseUrl}/`,
    connections: CONNECTIONS,
    duration: SECONDS,
    requests: [
      {
        method: 'POST',
        headers,
        body: JSON.stringify({ version: '2022' }),
        setupRequest: (req) => ({ ...req, path: paths[k++ % paths.length] }),
      },
    ],
  });
  if (r.non2xx || r.errors)
    notes.push(`reveal (${mode}): ${r.non2xx} non-2xx, ${r.errors} errors of ${r.requests.total}`);
  return { first, repeat: Math.round(r.requests.total / SECONDS) };
}

export async function runKeypoolBench(
  log: (m: string) => void,
): Promise<{ results: Record<string, number>; notes: string[] }> {
  const notes: string[] = [];
  const results: Record<string, number> = {};
  const partner = randomUUID();
  let api = await startApi({
    prefix: 'bench_keypool',
    partners: [partner],
    env: { LICENSING_ADAPTER: 'pool', KEY_ENCRYPTION_KEYS: KEK },
  });
  try {
    const token = await api.token(partner);
    const rssBefore = await peakRssMb(api.pid);
    const keys = Array.from({ length: IMPORT_KEYS }, (_, i) => ({
      offerId: PERPETUAL_OFFER,
      version: ['2022', '2019', '2016'][i % 3]!,
      productKey: mak(),
    }));
    log(`keypool: import ${IMPORT_KEYS.toLocaleString('en')} keys in one request`);
    const t0 = performance.now();
    // One request of ~9.5 MB: given minutes on a busy machine (the shared helper gives up after 30 s).
    const res = await fetch(`${api.baseUrl}/v1/keypool/imports`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ keys }),
      signal: AbortSignal.timeout(600_000),
    });
    const seconds = (performance.now() - t0) / 1000;
    if (res.status !== 201) throw new Error(`import: ${res.status} ${(await res.text()).slice(0, 300)}`);
    results.keypool_import_keys_per_s = Math.round(IMPORT_KEYS / seconds);
    results.keypool_import_peak_rss_mb = await peakRssMb(api.pid);
    notes.push(
      `keypool: import of ${IMPORT_KEYS} keys took ${seconds.toFixed(1)} s; peak RSS ${rssBefore} MB before it`,
    );
    log(`keypool: reveal keys (pool), ${CONNECTIONS} connections × ${SECONDS} s over ${ITEMS} items`);
    const pool = await reveals(api, partner, notes, 'pool');
    results.keypool_first_reveal_pool_rps = pool.first;
    results.keypool_reveal_pool_rps = pool.repeat;
  } finally {
    await api.stop();
  }
  api = await startApi({ prefix: 'bench_keypool', partners: [partner] });
  try {
    log(`keypool: reveal keys (derived), ${CONNECTIONS} connections × ${SECONDS} s over ${ITEMS} items`);
    const derived = await reveals(api, partner, notes, 'derived');
    results.keypool_first_reveal_derived_rps = derived.first;
    results.keypool_reveal_derived_rps = derived.repeat;
  } finally {
    await api.stop();
  }
  return { results, notes };
}

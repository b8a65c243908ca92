import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PostgresEventStore, startEmbeddedPostgres, type EmbeddedPostgresHandle } from '@csp/event-store';
import { startTestApp, TestApp } from '../support/app';
import { adminAgent, eventually, placeOrder, problemDefect, readAll, registerCustomer, sleep } from './chaos-helpers';

/**
 * PostgreSQL stopped and started again under a load of order placements. The database is an embedded
 * PostgreSQL of this suite's own (its own data directory and port), never the machine's shared one.
 */
interface Outcome {
  requestId: string;
  status: number; // 0: no HTTP answer at all
  orderId?: string;
  retryAfter?: string | null;
  defect?: string;
  error?: string;
}

const WORKERS = 8;
const MAX_PER_WORKER = 300;
const LOAD_LIMIT_MS = 25_000;

describe('chaos: PostgreSQL restarted during order placements', () => {
  let dataDir: string;
  let pg: EmbeddedPostgresHandle | undefined;
  let t: TestApp | undefined;

  afterAll(async () => {
    await t?.close().catch(() => undefined);
    await pg?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  }, 60_000);

  it('keeps every 2xx order, answers the rest 503 + Retry-After, and recovers by itself', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'chaos-pg-'));
    pg = await startEmbeddedPostgres({ dataDir, database: 'csp_chaos', ephemeral: true });
    const { port, url } = pg;
    expect(port).not.toBe(5432);
    t = await startTestApp({ env: { DATABASE_URL: url } });
    const app = t;
    const partner = adminAgent();
    const customer = await registerCustomer(app, partner);
    expect((await placeOrder(app, partner, customer.id)).status).toBe(201);
    const bearer = await app.token(partner);

    const outcomes: Outcome[] = [];
    let stopLoad = false;
    let restarted = false;
    const placeOne = async (): Promise<Outcome> => {
      const requestId = randomUUID();
      try {
        const res = await fetch(`${app.baseUrl}/v1/customers/${customer.id}/orders`, {
          method: 'POST',
          headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json', 'MS-RequestId': requestId },
          body: JSON.stringify({
            lineItems: [{ lineItemNumber: 0, offerId: 'DG7GMGF0D7FV:0001:DG7GMGF0D7FW', quantity: 1 }],
          }),
          signal: AbortSignal.timeout(20_000),
        });
        const text = await res.text();
        const body = /json/.test(res.headers.get('content-type') ?? '') ? JSON.parse(text) : undefined;
        const outcome: Outcome = { requestId, status: res.status, retryAfter: res.headers.get('retry-after') };
        if (res.status >= 200 && res.status < 300) outcome.orderId = body?.id;
        else outcome.defect = problemDefect({ status: res.status, headers: res.headers, body, text });
        return outcome;
      } catch (error) {
        return { requestId, status: 0, error: String(error) };
      }
    };
    const started = Date.now();
    const load = Promise.all(
      Array.from({ length: WORKERS }, async () => {
        for (let i = 0; i < MAX_PER_WORKER && !stopLoad && Date.now() - started < LOAD_LIMIT_MS; i++) {
          outcomes.push(await placeOne());
          // While the database is down the answers come fast; do not spin on them.
          if (outcomes.at(-1)!.status >= 500) await sleep(20);
        }
      }),
    );

    await sleep(1500);
    const beforeStop = outcomes.length;
    await pg.stop();
    await sleep(2000);
    pg = await startEmbeddedPostgres({ dataDir, port, database: 'csp_chaos', ephemeral: true });
    restarted = true;
    await sleep(3000);
    stopLoad = true;
    await load;
    expect(restarted).toBe(true);

    // The service recovers without a restart of its own.
    await eventually(async () => expect((await app.request('GET', '/health/ready')).status).toBe(200), 30_000, 250);
    await eventually(async () => expect((await placeOrder(app, partner, customer.id)).status).toBe(201), 15_000, 250);

    const ok = outcomes.filter((o) => o.status >= 200 && o.status < 300);
    const failed = outcomes.filter((o) => !(o.status >= 200 && o.status < 300));
    // The restart must have hit the load: some commands before it succeeded, some during it failed.
    expect(beforeStop).toBeGreaterThan(0);
    expect(ok.length).toBeGreaterThan(0);
    expect(failed.length).toBeGreaterThan(0);

    // Every failure is a clear, retryable refusal: 503 problem+json with Retry-After; never a 500, never a dropped socket.
    const unclear = failed.filter((o) => o.status !== 503 || !o.retryAfter || o.defect);
    expect(unclear.slice(0, 5)).toEqual([]);

    // Every 2xx is in the event store, with the request id it was sent with. Read as a follower reads
    // (gap-safe: it stops below the oldest open transaction, e.g. a projection batch still running), so
    // give the service's own batches a moment to commit.
    const store = await PostgresEventStore.create({ connectionString: pg.url, kind: 'embedded' });
    try {
      let placed = new Map<string, unknown>();
      await eventually(
        async () => {
          placed = new Map(
            (await readAll(store))
              .filter((e) => e.type === 'OrderPlaced')
              .map((e) => [String((e.data as { orderId?: unknown }).orderId), e.metadata.requestId]),
          );
          const missing = ok.filter((o) => !o.orderId || placed.get(o.orderId) !== o.requestId);
          expect(missing.slice(0, 5)).toEqual([]);
        },
        20_000,
        250,
      );
      console.log(
        `postgres restart: ${outcomes.length} placements, ${ok.length} 2xx (all stored), ${failed.length} 503; ` +
          `${placed.size} orders in the store`,
      );
    } finally {
      await store.close();
    }
  }, 90_000);
});

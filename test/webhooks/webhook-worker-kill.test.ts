import { randomUUID } from 'node:crypto';
import {
  defaultDomainContext,
  STREAM_PREFIXES,
  webhookEndpointDecider,
  webhookEndpointStreamId,
  type OrderPlaced,
} from '@csp/domain';
import { createEventStore, type EventStoreHandle } from '@csp/event-store';
import { placedEvents } from '../../libs/domain/src/testing/fixtures';
import { newWebhookSecret, WebhookSecretVault } from '../../libs/capabilities/webhooks/store/webhook-secret.vault';
import { createTestDatabase, testPool, type TestDatabase } from '../support/database';
import { sleep } from '../e2e/e2e-helpers';
import { spawnWorker, type WorkerProcess } from '../propagation/support/worker-process';
import { WebhookReceiver } from './webhook-receiver';

const SECRETS_KEY = 'webhook-secrets-key-for-tests-0123456789abcdef';
const PARTNER = '11111111-1111-4111-8111-111111111111';
const EVENTS = 12;

/**
 * Worker processes (apps/worker, a real child process each) deliver to a real receiver that holds the first request
 * of every message for 1.5 s; the first worker is killed (SIGKILL) while requests are in flight and another is
 * started. Every event is delivered, and each event reaches the receiver under one webhook-id only, however many
 * times it was sent.
 */
describe('webhook delivery survives a killed worker', () => {
  let db: TestDatabase;
  let handle: EventStoreHandle;
  const receiver = new WebhookReceiver();
  const workers: WorkerProcess[] = [];
  const pool = () => testPool({ connectionString: db.url, max: 2 });

  beforeAll(async () => {
    db = await createTestDatabase('csp_wh_kill');
    handle = await createEventStore({ databaseUrl: db.url, dataDir: '/tmp', streamPrefixes: STREAM_PREFIXES });
    await receiver.start();
  }, 60_000);
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.kill('SIGKILL')));
    await receiver.stop();
    await handle?.close();
    await db?.drop();
  });

  const env = (): Record<string, string> => ({
    DATABASE_URL: db.url,
    REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
    WEBHOOK_SECRETS_KEY: SECRETS_KEY,
    WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
    WEBHOOK_TIMEOUT_MS: '3000',
    WEBHOOK_RECONCILE_EVERY_MS: '300',
    WEBHOOK_RETRY_SCHEDULE: '0,200ms,200ms,200ms,200ms',
  });

  it('delivers every event, never under two webhook-ids', async () => {
    const store = handle.store;
    const endpointId = randomUUID();
    const [registered] = webhookEndpointDecider.decide(
      {
        type: 'RegisterWebhookEndpoint',
        data: {
          endpointId,
          partnerTenantId: PARTNER,
          url: receiver.url,
          eventTypes: ['order.placed'],
          httpsOnly: false,
        },
      },
      webhookEndpointDecider.initialState(),
      defaultDomainContext(new Date()),
    );
    const p = pool();
    const vault = new WebhookSecretVault(p, SECRETS_KEY);
    const secret = newWebhookSecret();
    receiver.secrets = [secret];
    receiver.answer = (_r, n) => (n === 1 ? { status: 200, delayMs: 1500 } : { status: 200 });

    const a = spawnWorker(env());
    workers.push(a);
    await a.ready;
    // The worker has created the tables: the secret, then the endpoint, then the orders.
    for (let i = 0; i < 100; i++) {
      const r = await p.query("SELECT to_regclass('webhook_secrets') AS t");
      if (r.rows[0].t) break;
      await sleep(100);
    }
    await vault.put(endpointId, 1, secret);
    await store.appendToStream(webhookEndpointStreamId(endpointId), [registered]);
    const template = placedEvents('PL', [['DG7GMGF0D7FV:0001:DG7GMGF0D7FW', 1]])[0] as OrderPlaced;
    const orderIds: string[] = [];
    for (let i = 0; i < EVENTS; i++) {
      const orderId = randomUUID();
      orderIds.push(orderId);
      await store.appendToStream(`order-${orderId}`, [
        {
          type: 'OrderPlaced',
          data: { ...template.data, orderId, partnerTenantId: PARTNER, placedAt: new Date().toISOString() },
        },
      ]);
    }

    // Kill the first worker while requests are held open by the receiver.
    for (let i = 0; i < 200 && receiver.received.length === 0; i++) await sleep(50);
    expect(receiver.received.length).toBeGreaterThan(0);
    await a.kill('SIGKILL');
    const inFlightAtKill = receiver.received.length;
    const b = spawnWorker(env());
    workers.push(b);
    await b.ready;

    // Fail-over within 30 s of the kill (about 10 s: lock + stalled check): BullMQ's defaults took about a minute.
    const end = Date.now() + 30_000;
    let rows: { id: string; status: string; payload: string }[] = [];
    for (;;) {
      rows = (await p.query('SELECT id, status, payload FROM webhook_deliveries')).rows;
      if (rows.length === EVENTS && rows.every((r) => r.status === 'succeeded')) break;
      if (Date.now() > end)
        throw new Error(`not delivered: ${JSON.stringify(rows.map((r) => r.status))}\n${b.output().slice(-2000)}`);
      await sleep(200);
    }
    await p.end();

    expect(inFlightAtKill).toBeGreaterThan(0);
    // Each event: every request the receiver got for it carries one webhook-id, and the ids are the stored ones.
    const idsByOrder = new Map<string, Set<string>>();
    for (const r of receiver.received) {
      const orderId = JSON.parse(r.body).data.orderId as string;
      idsByOrder.set(orderId, (idsByOrder.get(orderId) ?? new Set()).add(r.id));
      expect(r.verifiedWith).toEqual([true]);
    }
    expect([...idsByOrder.keys()].sort()).toEqual([...orderIds].sort());
    for (const ids of idsByOrder.values()) expect(ids.size).toBe(1);
    expect(new Set(receiver.received.map((r) => r.id))).toEqual(new Set(rows.map((r) => r.id)));
  }, 150_000);
});

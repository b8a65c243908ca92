import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Test } from '@nestjs/testing';
import {
  commandHandlingEnv,
  ControllableClock,
  handleStreamCommand,
  type CommandHandlingEnv,
} from '@csp/event-sourcing';
import { LICENSING, type LicensingPort } from '@csp/capabilities/software';
import {
  PROPAGATION_OPTIONS,
  PropagationHost,
  DEFAULT_PROPAGATION_OPTIONS,
  PropagationQueues,
  PropagationStore,
  type PropagationOptions,
} from '@csp/capabilities/propagation';
import { resolveMarket, defaultDomainData, type OrderCommand, type OrderEvent, streamIdOf } from '@csp/domain';
import { EVENT_STORE, type EventStore, type RecordedEvent } from '@csp/event-store';
import { loadConfig } from '@csp/platform';
import type { INestApplicationContext } from '@nestjs/common';
import { WorkerModule } from '../../../apps/worker/src/worker.module';
import { createTestDatabase, type TestDatabase } from '../../support/database';

export const KEY_SECRET = 'key-derivation-secret-for-tests-0123456789abcdef';
export const LINK_SECRET = 'link-signing-secret-for-tests-0123456789abcdef';
export const JWT_SECRET = 'test-secret-that-is-long-enough-for-hs256-0123456789';

export const OFFERS = {
  perpetual: 'DG7GMGF0D7FV:0001:DG7GMGF0D7FW',
  subscription1y: 'DG7GMGF0F4MH:0001:DG7GMGF0F4MJ',
  suse: 'DZH318Z0BJZX:0001:DZH318Z0BJZZ',
} as const;

/** Fast retries and reconciles for tests; production defaults otherwise. */
export const TEST_OPTIONS: PropagationOptions = {
  ...DEFAULT_PROPAGATION_OPTIONS,
  retry: { attempts: 3, backoffMs: 100 },
  lockDurationMs: 2000,
  stalledIntervalMs: 1000,
};

export interface WorkerOptions {
  db: TestDatabase;
  /** Redis URL, or undefined for BullMQ's PostgreSQL backend. */
  redisUrl?: string;
  clock: ControllableClock;
  licensing?: LicensingPort;
  options?: Partial<PropagationOptions>;
}

export interface Worker {
  app: INestApplicationContext;
  host: PropagationHost;
  store: PropagationStore;
  queues: PropagationQueues;
  eventStore: EventStore;
  close(): Promise<void>;
}

/** The real worker module (projections, propagation) in this process, on a test database. */
export async function startWorker(o: WorkerOptions): Promise<Worker> {
  const dataDir = mkdtempSync(join(tmpdir(), 'csp-prop-'));
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: o.db.url,
    ...(o.redisUrl ? { REDIS_URL: o.redisUrl } : {}),
    AUTH_JWT_SECRET: JWT_SECRET,
    KEY_DERIVATION_SECRET: KEY_SECRET,
    LINK_SIGNING_SECRET: LINK_SECRET,
    WEBHOOK_SECRETS_KEY: 'webhook-secrets-key-for-tests-0123456789abcdef',
    DATA_DIR: dataDir,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    ROLE: 'worker',
  });
  let builder = Test.createTestingModule({ imports: [WorkerModule.forRoot(config, { clock: o.clock })] })
    .overrideProvider(PROPAGATION_OPTIONS)
    .useValue({ ...TEST_OPTIONS, ...o.options });
  if (o.licensing) builder = builder.overrideProvider(LICENSING).useValue(o.licensing);
  const app = await builder.compile();
  app.useLogger(process.env.TEST_LOG_LEVEL ? console : false);
  await app.init();
  return {
    app,
    host: app.get(PropagationHost, { strict: false }),
    store: app.get(PropagationStore, { strict: false }),
    queues: app.get(PropagationQueues, { strict: false }),
    eventStore: app.get<EventStore>(EVENT_STORE, { strict: false }),
    async close() {
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Writes orders the way the HTTP handlers do: through the order decider, by the command handling. */
export class Orders {
  private readonly env: CommandHandlingEnv;

  constructor(
    store: EventStore,
    private readonly clock: ControllableClock,
  ) {
    this.env = commandHandlingEnv(store, clock, defaultDomainData());
  }

  async run(orderId: string, command: OrderCommand): Promise<OrderEvent[]> {
    const r = await handleStreamCommand(this.env, 'order', orderId, command, {
      metadata: { requestId: randomUUID(), userId: 'agent', tenantId: PARTNER },
    });
    return r.events;
  }

  async place(lines: string[] = [OFFERS.perpetual], country = 'US'): Promise<string> {
    const orderId = randomUUID();
    const m = resolveMarket(defaultDomainData().markets, country);
    await this.run(orderId, {
      type: 'PlaceOrder',
      data: {
        orderId,
        customer: {
          customerId: CUSTOMER,
          partnerTenantId: PARTNER,
          country: m.country,
          currencyCode: m.currencyCode,
          taxInclusive: m.taxInclusive,
        },
        lineItems: lines.map((offerId, lineItemNumber) => ({ lineItemNumber, offerId, quantity: 2 })),
        placedBy: AGENT,
      },
    });
    return orderId;
  }

  async issueLink(orderId: string, lineItemNumber = 0): Promise<string> {
    const linkId = randomUUID();
    await this.run(orderId, {
      type: 'IssueDownloadLink',
      data: {
        lineItemNumber,
        version: '2022',
        language: 'en-US',
        bitness: 'x64',
        linkId,
        expiresAt: new Date(this.clock.now().getTime() + 14 * 86_400_000).toISOString(),
        maxDownloads: 5,
        user: AGENT,
        channel: 'partnerCenter',
      },
    });
    return linkId;
  }

  async cancel(orderId: string): Promise<void> {
    await this.run(orderId, { type: 'CancelOrder', data: { acknowledgedNotice: true, requestedBy: AGENT } });
  }
}

export const PARTNER = '6f1c3a52-0d5e-4d2b-9a53-6a4c5d1e8b01';
export const CUSTOMER = '0b7e1c9a-3d44-4f61-9a0e-5c2b7d8e9f10';
export const AGENT = { userId: 'agent-1', upn: 'agent@partner.example', tenantId: PARTNER };

export async function eventsOf(store: EventStore, orderId: string): Promise<RecordedEvent[]> {
  return (await store.readStream(streamIdOf('order', orderId))).events;
}

export const typesOf = (events: RecordedEvent[], type: string): RecordedEvent[] =>
  events.filter((e) => e.type === type);

/** Polls until `check` returns a truthy value (or throws after timeoutMs). */
export async function eventually<T>(
  check: () => Promise<T | undefined | false>,
  timeoutMs = 15_000,
  what = 'condition',
): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v) return v;
    } catch (error) {
      last = error;
    }
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function propagated(store: EventStore, orderId: string, timeoutMs = 15_000): Promise<RecordedEvent> {
  return eventually(
    async () => typesOf(await eventsOf(store, orderId), 'CancellationPropagated')[0],
    timeoutMs,
    `CancellationPropagated of ${orderId}`,
  );
}

export { createTestDatabase };

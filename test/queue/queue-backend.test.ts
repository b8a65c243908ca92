import { randomBytes } from 'node:crypto';
import { QueueBackend } from '@csp/event-sourcing';
import { createTestDatabase, dropQueueKeys, TestDatabase } from '../support/database';

// The same queue code on both backends: Redis (production) and BullMQ's PostgreSQL backend (embedded default).
const backends: Array<[string, () => Promise<{ backend: QueueBackend; cleanup: () => Promise<void> }>]> = [
  [
    'redis',
    async () => {
      const namespace = `t${randomBytes(4).toString('hex')}`;
      return {
        backend: new QueueBackend({ redisUrl: process.env.TEST_REDIS_URL, namespace }),
        cleanup: () => dropQueueKeys(namespace),
      };
    },
  ],
  [
    'postgres',
    async () => {
      const db: TestDatabase = await createTestDatabase('csp_queue');
      return { backend: new QueueBackend({ databaseUrl: db.url }), cleanup: () => db.drop() };
    },
  ],
];

describe.each(backends)('queue backend on %s', (kind, make) => {
  let backend: QueueBackend;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    ({ backend, cleanup } = await make());
  });
  afterAll(async () => {
    await backend.close();
    await cleanup();
  });

  it('reports its kind and is healthy', async () => {
    expect(backend.kind).toBe(kind);
    await expect(backend.ping()).resolves.toMatchObject({ kind, ok: true });
  });

  it('runs a job through a worker and returns its result', async () => {
    const queue = backend.queue<{ n: number }>('double');
    const done = new Promise<number>((resolve) => {
      const worker = backend.worker<{ n: number }, number>('double', async (job) => job.data.n * 2);
      worker.on('completed', (_job, result) => resolve(result));
    });
    await queue.add('double', { n: 21 });
    await expect(done).resolves.toBe(42);
  });

  it('stores one job per job id, however often it is added', async () => {
    const queue = backend.queue<{ v: number }>('dedupe');
    // The first add stores the job; nine more, at once, neither add one nor overwrite it. (Ten at once would race
    // for which is first: on PostgreSQL the pool's connections commit in any order.)
    await queue.add('x', { v: 0 }, { jobId: 'same-id' });
    await Promise.all(Array.from({ length: 9 }, (_, i) => queue.add('x', { v: i + 1 }, { jobId: 'same-id' })));
    const counts = await queue.getJobCounts('waiting', 'delayed', 'active', 'completed');
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(1);
    const job = await queue.getJob('same-id');
    expect(job?.data.v).toBe(0);
  });

  it('delays a job until its time', async () => {
    const queue = backend.queue<{ at: number }>('delayed');
    const started = Date.now();
    const ranAt = new Promise<number>((resolve) => {
      backend.worker('delayed', async () => resolve(Date.now()));
    });
    await queue.add('later', { at: started }, { delay: 600 });
    expect(await ranAt).toBeGreaterThanOrEqual(started + 550);
  });

  it('retries a failing job with backoff, then succeeds', async () => {
    const queue = backend.queue<Record<string, never>>('flaky');
    let attempts = 0;
    const done = new Promise<number>((resolve) => {
      const worker = backend.worker('flaky', async () => {
        attempts += 1;
        if (attempts < 3) throw new Error('transient');
        return attempts;
      });
      worker.on('completed', (_job, result) => resolve(result as number));
    });
    await queue.add('flaky', {}, { attempts: 5, backoff: { type: 'exponential', delay: 50 } });
    await expect(done).resolves.toBe(3);
  });
});

describe('queue backend settings check', () => {
  it('warns when Redis may evict keys', async () => {
    const warnings: string[] = [];
    const backend = new QueueBackend({ redisUrl: process.env.TEST_REDIS_URL, onWarning: (w) => warnings.push(w) });
    try {
      const found = await backend.checkSettings();
      // The machine's Redis runs with its default policy; whatever it is, the check must agree with it.
      const IORedis = (await import('ioredis')).default;
      const probe = new IORedis(process.env.TEST_REDIS_URL!);
      const [, policy] = (await probe.config('GET', 'maxmemory-policy')) as string[];
      await probe.quit();
      if (policy === 'noeviction') expect(found).toEqual([]);
      else expect(found[0]).toContain(`"${policy}"`);
      expect(warnings).toEqual(found);
    } finally {
      await backend.close();
    }
  });

  it('refuses to start without any connection', () => {
    expect(() => new QueueBackend({})).toThrow(/REDIS_URL/);
  });
});

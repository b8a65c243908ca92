import { randomBytes, randomUUID } from 'node:crypto';
import { TenantRateLimiter, type RateLimitDecision } from '@csp/platform';
import { createTestDatabase, dropQueueKeys, type TestDatabase } from '../support/database';
import { PrivateRedis } from '../support/private-redis';
import { logLines, spawnApi, tokenFor, type ServiceProcess } from '../support/service-processes';

const machineRedis = (): string => process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

const recorder = () => {
  const lines: { level: 'warn' | 'log'; message: string }[] = [];
  return {
    lines,
    logger: {
      warn: (message: string) => lines.push({ level: 'warn', message }),
      log: (message: string) => lines.push({ level: 'log', message }),
    },
  };
};

async function eventually(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('TenantRateLimiter on Redis (rate-limiter-flexible)', () => {
  const namespace = `rl_${randomBytes(4).toString('hex')}`;
  const limiters: TenantRateLimiter[] = [];
  const limiter = async (options: ConstructorParameters<typeof TenantRateLimiter>[0]) => {
    const l = new TenantRateLimiter(options);
    limiters.push(l);
    await l.connect();
    return l;
  };
  afterAll(async () => {
    await Promise.all(limiters.map((l) => l.close()));
    await dropQueueKeys(namespace);
  });

  it('given two api processes on one Redis, then a tenant has one budget across both', async () => {
    const a = await limiter({ limitPerMinute: 10, redisUrl: machineRedis(), namespace });
    const b = await limiter({ limitPerMinute: 10, redisUrl: machineRedis(), namespace });
    expect([a.backend, b.backend]).toEqual(['redis', 'redis']);
    const decisions: RateLimitDecision[] = [];
    for (let i = 0; i < 30; i++) decisions.push(await (i % 2 ? a : b).take('tid:one'));
    expect(decisions.filter((d) => d.allowed)).toHaveLength(10);
    expect(decisions.slice(0, 10).every((d) => d.allowed)).toBe(true);
    expect(decisions.slice(0, 10).map((d) => d.remaining)).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
    for (const refused of decisions.slice(10)) {
      expect(refused).toMatchObject({ allowed: false, limit: 10, remaining: 0 });
      expect(refused.retryAfterSeconds).toBeGreaterThanOrEqual(1);
      expect(refused.retryAfterSeconds).toBeLessThanOrEqual(60);
    }
    // Another tenant's budget is its own.
    expect((await a.take('tid:two')).allowed).toBe(true);
  });

  it('given RATE_LIMIT_PER_MINUTE=0, then nothing is counted and no Redis connection is made', async () => {
    const off = await limiter({ limitPerMinute: 0, redisUrl: 'redis://127.0.0.1:1', namespace });
    expect(off.enabled).toBe(false);
    expect((await off.take('tid:x')).allowed).toBe(true);
  });

  describe('when Redis goes down', () => {
    const redis = new PrivateRedis();
    beforeAll(() => redis.start());
    afterAll(() => redis.stop());

    it('answers from a per-process budget with one warning, and is back on Redis once it returns', async () => {
      const log = recorder();
      const l = await limiter({ limitPerMinute: 5, redisUrl: redis.url, namespace, logger: log.logger });
      expect((await l.take('tid:a')).remaining).toBe(4);
      expect(log.lines).toEqual([]);

      await redis.stop();
      const during: boolean[] = [];
      for (let i = 0; i < 8; i++) during.push((await l.take('tid:a')).allowed);
      // Requests are still answered: the in-memory budget (5, fresh) lets five through, then refuses.
      expect(during).toEqual([true, true, true, true, true, false, false, false]);
      expect(log.lines.filter((x) => x.level === 'warn')).toHaveLength(1);
      expect(log.lines[0]!.message).toMatch(/rate limiting falls back to a per-process budget while Redis/);

      await redis.start();
      await eventually(
        async () => (await l.take(`tid:probe-${randomBytes(2).toString('hex')}`)) && log.lines.length > 1,
        10_000,
        'back on Redis',
      );
      expect(log.lines.map((x) => x.level)).toEqual(['warn', 'log']);
      expect(log.lines[1]!.message).toMatch(/back on Redis/);
      // A fresh Redis: the window starts again there.
      expect((await l.take('tid:a')).remaining).toBe(4);
    }, 30_000);
  });
});

/**
 * An api process (ROLE=api, a real child process) whose Redis dies: reads keep being answered, counted on the
 * process's own budget, with one warning line in its log however many requests come.
 */
describe('HTTP: Redis down, reads keep working under the limit', () => {
  const redis = new PrivateRedis();
  const partner = randomUUID();
  let db: TestDatabase;
  let api: ServiceProcess | undefined;
  beforeAll(async () => {
    await redis.start();
    db = await createTestDatabase('csp_rl_down');
  });
  afterAll(async () => {
    await api?.kill('SIGKILL');
    await redis.stop();
    await db?.drop();
  });

  it('serves reads from the in-memory budget, with Retry-After once it is spent, and warns once', async () => {
    api = await spawnApi({
      DATABASE_URL: db.url,
      REDIS_URL: redis.url,
      RATE_LIMIT_PER_MINUTE: '5',
      PARTNER_TENANTS: `${partner}:Partner`,
    });
    const token = await tokenFor(partner);
    const list = async () => {
      const res = await fetch(`${api!.baseUrl}/v1/customers`, { headers: { authorization: `Bearer ${token}` } });
      return { status: res.status, headers: res.headers, body: (await res.json()) as { code?: string } };
    };
    const first = await list();
    expect(first.status).toBe(200);
    expect(first.headers.get('x-ratelimit-limit')).toBe('5');
    expect(first.headers.get('x-ratelimit-remaining')).toBe('4');

    await redis.stop();
    const answers = [];
    for (let i = 0; i < 7; i++) answers.push(await list());
    // Requests are still answered: the in-memory budget (5, fresh) lets five through, then refuses.
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200, 429, 429]);
    const refused = answers[5]!;
    expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(refused.body.code).toBe('rate_limited');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    const warnings = logLines(api.output()).filter((l) => String(l.msg).includes('rate limiting falls back'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.level).toBe('warn');
  });
});

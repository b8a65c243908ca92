import { rateLimiterOptionsOf, rateLimitKeyPrefix, TenantRateLimiter } from './tenant-rate-limiter';

const config = {
  rateLimitPerMinute: 500,
  redisUrl: 'redis://r:6379',
  databaseUrl: 'postgres://u@db:5432/Orders-Prod',
  queueNamespace: undefined as string | undefined,
  apiWorkers: 1,
  role: 'api',
};

describe('rateLimiterOptionsOf', () => {
  it('given an api process, then the limit on Redis under the queue namespace (the database name by default)', () => {
    expect(rateLimiterOptionsOf(config)).toEqual({
      limitPerMinute: 500,
      redisUrl: 'redis://r:6379',
      namespace: 'orders_prod',
      clusterWorker: false,
    });
    expect(rateLimiterOptionsOf({ ...config, queueNamespace: 'tenant_a' }).namespace).toBe('tenant_a');
    expect(rateLimitKeyPrefix('tenant_a')).toBe('csp:tenant_a:ratelimit');
  });

  it('given a worker process, then no limiter (it serves no HTTP, so it opens no Redis connection for one)', () => {
    expect(rateLimiterOptionsOf({ ...config, role: 'worker' }).limitPerMinute).toBe(0);
    expect(new TenantRateLimiter(rateLimiterOptionsOf({ ...config, role: 'worker' })).backend).toBe('off');
  });
});

describe('TenantRateLimiter in memory (one process, no Redis)', () => {
  it('allows the limit per key within the minute, then refuses with the seconds left in it', async () => {
    const limiter = new TenantRateLimiter({ limitPerMinute: 3 });
    expect(limiter.backend).toBe('memory');
    const decisions = [];
    for (let i = 0; i < 5; i++) decisions.push(await limiter.take('tid:a'));
    expect(decisions.map((d) => [d.allowed, d.remaining])).toEqual([
      [true, 2],
      [true, 1],
      [true, 0],
      [false, 0],
      [false, 0],
    ]);
    expect(decisions[3]!.retryAfterSeconds).toBeGreaterThanOrEqual(59);
    expect(decisions[3]!.retryAfterSeconds).toBeLessThanOrEqual(60);
    expect((await limiter.take('tid:b')).allowed).toBe(true);
  });
});

import { TokenBucketLimiter } from './token-bucket';

describe('TokenBucketLimiter', () => {
  it('allows the limit, then refuses with a Retry-After, and refills over time', () => {
    let now = 0;
    const limiter = new TokenBucketLimiter(60, () => now);
    for (let i = 0; i < 60; i++) expect(limiter.take('t1').allowed).toBe(true);
    const refused = limiter.take('t1');
    expect(refused).toEqual({ allowed: false, remaining: 0, retryAfterSeconds: 1 });
    // Another tenant has its own bucket.
    expect(limiter.take('t2').allowed).toBe(true);
    now += 1000; // one token per second at 60/min
    expect(limiter.take('t1').allowed).toBe(true);
    expect(limiter.take('t1').allowed).toBe(false);
    now += 60_000;
    expect(limiter.take('t1').remaining).toBe(59);
  });

  it('computes Retry-After for slow limits', () => {
    let now = 0;
    const limiter = new TokenBucketLimiter(2, () => now);
    limiter.take('a');
    limiter.take('a');
    expect(limiter.take('a').retryAfterSeconds).toBe(30);
    now += 15_000;
    expect(limiter.take('a').retryAfterSeconds).toBe(15);
  });

  it('keeps memory bounded', () => {
    let now = 0;
    const limiter = new TokenBucketLimiter(10, () => now, 100);
    for (let i = 0; i < 1000; i++) {
      now += 1;
      limiter.take(`k${i}`);
    }
    expect(limiter.size).toBeLessThanOrEqual(100);
  });
});

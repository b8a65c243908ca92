export interface TakeResult {
  allowed: boolean;
  /** Whole tokens left after this request. */
  remaining: number;
  /** Seconds until one token is back (0 when allowed). */
  retryAfterSeconds: number;
}

interface Bucket {
  tokens: number;
  updatedAt: number;
}

/**
 * In-memory token buckets, one per key: `limitPerMinute` capacity, refilled continuously at
 * limitPerMinute/60 per second. Per process, so N api processes allow N × the limit.
 */
export class TokenBucketLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly perMs: number;

  constructor(
    readonly limitPerMinute: number,
    private readonly now: () => number = Date.now,
    private readonly maxKeys = 100_000,
  ) {
    this.perMs = limitPerMinute / 60_000;
  }

  take(key: string): TakeResult {
    const now = this.now();
    let bucket = this.buckets.get(key);
    if (!bucket) {
      if (this.buckets.size >= this.maxKeys) this.prune(now);
      bucket = { tokens: this.limitPerMinute, updatedAt: now };
      this.buckets.set(key, bucket);
    } else {
      bucket.tokens = Math.min(this.limitPerMinute, bucket.tokens + (now - bucket.updatedAt) * this.perMs);
      bucket.updatedAt = now;
    }
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true, remaining: Math.floor(bucket.tokens), retryAfterSeconds: 0 };
    }
    return {
      allowed: false,
      remaining: 0,
      retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / this.perMs / 1000)),
    };
  }

  get size(): number {
    return this.buckets.size;
  }

  /** Full buckets carry no state worth keeping. */
  private prune(now: number): void {
    for (const [key, b] of this.buckets) {
      if (b.tokens + (now - b.updatedAt) * this.perMs >= this.limitPerMinute) this.buckets.delete(key);
    }
    // Still full of active keys: drop the oldest rather than grow without bound.
    if (this.buckets.size >= this.maxKeys) {
      const oldest = [...this.buckets.entries()].sort((a, b) => a[1].updatedAt - b[1].updatedAt);
      for (const [key] of oldest.slice(0, Math.ceil(this.maxKeys / 10))) this.buckets.delete(key);
    }
  }
}

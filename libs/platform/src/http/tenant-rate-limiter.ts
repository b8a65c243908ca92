import cluster from 'node:cluster';
import IORedis from 'ioredis';
import {
  RateLimiterAbstract,
  RateLimiterCluster,
  RateLimiterClusterMaster,
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
  type IRateLimiterOptions,
} from 'rate-limiter-flexible';
import { queueNamespace } from '../config/queue-namespace';

/** The window of RATE_LIMIT_PER_MINUTE: a fixed minute that starts with a key's first request. */
export const RATE_LIMIT_WINDOW_SECONDS = 60;
/** A Redis that answers slower than this is treated as down for that request (the in-memory budget decides). */
export const RATE_LIMIT_REDIS_TIMEOUT_MS = 500;
/** How long an api process of a cluster waits for the primary's answer before deciding in memory. */
export const RATE_LIMIT_CLUSTER_TIMEOUT_MS = 1000;

export interface RateLimitDecision {
  allowed: boolean;
  limit: number;
  /** Requests left in the current window. */
  remaining: number;
  /** Whole seconds until the window ends (at least 1 when refused, 0 when allowed). */
  retryAfterSeconds: number;
}

export type RateLimitBackend = 'off' | 'redis' | 'cluster' | 'memory';

export interface RateLimitLogger {
  warn(message: string): void;
  log(message: string): void;
}

export interface TenantRateLimiterOptions {
  /** Requests per key and minute; 0 disables the limiter. */
  limitPerMinute: number;
  /** Shared budget across every api process on this Redis (REDIS_URL). */
  redisUrl?: string;
  /** Key prefix on Redis: csp:<namespace>:ratelimit (QUEUE_NAMESPACE, else the database name). */
  namespace?: string;
  /** A process of an API_WORKERS cluster without Redis: the budget lives in the primary (node:cluster IPC). */
  clusterWorker?: boolean;
  logger?: RateLimitLogger;
}

/**
 * The insurance limiter of the Redis one (rate-limiter-flexible calls it when Redis fails): a per-process budget,
 * so requests keep being answered while Redis is down. It marks what it decided, so the owner can tell when Redis
 * answers again.
 */
class InsuranceLimiter extends RateLimiterMemory {
  readonly decided = new WeakSet<object>();
  onUse: () => void = () => undefined;

  override async consume(key: string | number, points?: number, options?: object): Promise<RateLimiterRes> {
    this.onUse();
    try {
      const res = await super.consume(key, points, options as never);
      this.decided.add(res);
      return res;
    } catch (e) {
      if (e instanceof RateLimiterRes) this.decided.add(e);
      throw e;
    }
  }
}

/**
 * RATE_LIMIT_PER_MINUTE per tenant (or client address), one budget however many api processes serve it:
 * rate-limiter-flexible on Redis when REDIS_URL is set (falling back to a per-process budget, with one warning,
 * while Redis is down), on the cluster primary for API_WORKERS without Redis, else in this process's memory.
 */
export class TenantRateLimiter {
  readonly backend: RateLimitBackend;
  private readonly limiter?: RateLimiterAbstract;
  private readonly fallback?: RateLimiterMemory;
  private readonly insurance?: InsuranceLimiter;
  private readonly redis?: IORedis;
  private readonly logger: RateLimitLogger;
  private degraded = false;

  constructor(private readonly options: TenantRateLimiterOptions) {
    this.logger = options.logger ?? { warn: () => undefined, log: () => undefined };
    const limit = options.limitPerMinute;
    const base: IRateLimiterOptions = { points: limit, duration: RATE_LIMIT_WINDOW_SECONDS };
    if (limit <= 0) {
      this.backend = 'off';
    } else if (options.redisUrl) {
      this.backend = 'redis';
      // Its own connection: no offline queue and a short command timeout, so a Redis that is down or stuck
      // costs a request nothing (BullMQ's connections wait for Redis forever, on purpose).
      this.redis = new IORedis(options.redisUrl, {
        enableOfflineQueue: false,
        maxRetriesPerRequest: 0,
        commandTimeout: RATE_LIMIT_REDIS_TIMEOUT_MS,
        connectTimeout: 2000,
        retryStrategy: (times) => Math.min(times * 200, 2000),
      });
      this.redis.on('error', () => undefined);
      this.insurance = new InsuranceLimiter({ ...base, keyPrefix: 'insurance' });
      this.insurance.onUse = () => this.enterFallback();
      this.limiter = new RateLimiterRedis({
        ...base,
        storeClient: this.redis,
        keyPrefix: rateLimitKeyPrefix(options.namespace),
        rejectIfRedisNotReady: true,
        // Once a key is over its budget, the rest of its window is refused from memory, without asking Redis.
        inMemoryBlockOnConsumed: limit + 1,
        insuranceLimiter: this.insurance,
      });
    } else if (options.clusterWorker) {
      this.backend = 'cluster';
      this.limiter = new RateLimiterCluster({
        ...base,
        keyPrefix: rateLimitKeyPrefix(options.namespace),
        timeoutMs: RATE_LIMIT_CLUSTER_TIMEOUT_MS,
      });
      this.fallback = new RateLimiterMemory(base);
    } else {
      this.backend = 'memory';
      this.limiter = new RateLimiterMemory(base);
    }
  }

  /**
   * Waits (bounded) for the Redis connection, so that the first requests count on the shared budget; a Redis that
   * is down at start-up does not hold the start up: requests are counted in memory until it answers.
   */
  async connect(timeoutMs = 3000): Promise<void> {
    const redis = this.redis;
    if (!redis || redis.status === 'ready') return;
    await new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        redis.off('ready', done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      redis.once('ready', done);
    });
  }

  get limitPerMinute(): number {
    return this.options.limitPerMinute;
  }

  get enabled(): boolean {
    return this.backend !== 'off';
  }

  /** Counts one request of `key` and says whether it is within the budget. */
  async take(key: string): Promise<RateLimitDecision> {
    if (!this.limiter) return { allowed: true, limit: 0, remaining: 0, retryAfterSeconds: 0 };
    let outcome: { allowed: boolean; res: RateLimiterRes };
    try {
      outcome = { allowed: true, res: await this.limiter.consume(key) };
    } catch (error) {
      if (error instanceof RateLimiterRes) outcome = { allowed: false, res: error };
      else if (this.fallback) outcome = await this.consumeFallback(key, error);
      else throw error;
    }
    if (this.degraded && this.insurance && !this.insurance.decided.has(outcome.res)) {
      this.degraded = false;
      this.logger.log('rate limiting is back on Redis: one budget across api processes again');
    }
    const { allowed, res } = outcome;
    return {
      allowed,
      limit: this.limitPerMinute,
      remaining: res.remainingPoints,
      retryAfterSeconds: allowed ? 0 : Math.max(1, Math.ceil(res.msBeforeNext / 1000)),
    };
  }

  async close(): Promise<void> {
    if (!this.redis) return;
    await this.redis.quit().catch(() => this.redis?.disconnect());
  }

  private async consumeFallback(key: string, error: unknown): Promise<{ allowed: boolean; res: RateLimiterRes }> {
    this.enterFallback(error);
    try {
      return { allowed: true, res: await this.fallback!.consume(key) };
    } catch (e) {
      if (e instanceof RateLimiterRes) return { allowed: false, res: e };
      throw e;
    }
  }

  /** One warning per outage, not one per request. */
  private enterFallback(error?: unknown): void {
    if (this.degraded) return;
    this.degraded = true;
    const store = this.backend === 'redis' ? 'Redis' : 'the cluster primary';
    const why = error instanceof Error ? `: ${error.message}` : '';
    this.logger.warn(
      `rate limiting falls back to a per-process budget while ${store} does not answer${why} ` +
        `(each api process allows ${this.limitPerMinute}/min until it does)`,
    );
  }
}

/**
 * In the primary of an API_WORKERS cluster without Redis, before the api processes are forked: it keeps the one
 * budget they all ask (rate-limiter-flexible's cluster limiter over node:cluster IPC).
 */
export function startRateLimitClusterPrimary(): void {
  new RateLimiterClusterMaster();
}

export function rateLimitKeyPrefix(namespace: string | undefined): string {
  return namespace ? `csp:${namespace}:ratelimit` : 'csp:ratelimit';
}

/** The options the validated config gives (see RateLimitGuard). A worker process serves no HTTP: no limiter. */
export function rateLimiterOptionsOf(config: {
  rateLimitPerMinute: number;
  redisUrl?: string;
  databaseUrl?: string;
  queueNamespace?: string;
  apiWorkers: number;
  role: string;
}): TenantRateLimiterOptions {
  return {
    limitPerMinute: config.role === 'worker' ? 0 : config.rateLimitPerMinute,
    redisUrl: config.redisUrl,
    namespace: queueNamespace(config.databaseUrl, config.queueNamespace),
    clusterWorker: cluster.isWorker && config.apiWorkers > 1,
  };
}

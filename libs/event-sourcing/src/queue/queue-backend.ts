import { createPostgresBackend, Job, JobsOptions, Processor, Queue, QueueOptions, Worker, WorkerOptions } from 'bullmq';
import IORedis, { RedisOptions } from 'ioredis';
import { withTimeout } from './with-timeout';

/**
 * One queue API over two BullMQ backends:
 * - Redis (ioredis) when REDIS_URL is set: production and docker-compose;
 * - BullMQ's own PostgreSQL backend otherwise: the zero-setup embedded default, on the same database.
 * Job code (processors, schedulers, reconcilers) never knows which one it runs on.
 * Neither backend is trusted for durability of business facts: those live in the event store,
 * and a reconciler re-enqueues from there (see the propagation issue).
 */
export type QueueBackendKind = 'redis' | 'postgres';

export interface QueueBackendConfig {
  redisUrl?: string;
  /** Used when redisUrl is unset. */
  databaseUrl?: string;
  /** Redis key prefix or PostgreSQL schema, so several deployments/tests can share one server. */
  namespace?: string;
  onWarning?: (message: string) => void;
}

export interface QueueBackendHealth {
  kind: QueueBackendKind;
  ok: boolean;
  detail?: string;
}

// BullMQ's generics differ per backend; the façade keeps callers on the common surface.
/* eslint-disable @typescript-eslint/no-explicit-any */
type AnyQueue = Queue<any, any, string, any, any, string, any, any>;
type AnyWorker = Worker<any, any, string, any, any, any>;
/** A queue on whichever backend is configured. */
export type AppQueue<T = any> = Queue<T, any, string, T, any, string, any, any>;
/** A worker on whichever backend is configured. */
export type AppWorker<T = any, R = any> = Worker<T, R, string, any, any, any>;
/* eslint-enable @typescript-eslint/no-explicit-any */

export class QueueBackend {
  private readonly queues = new Map<string, AnyQueue>();
  private readonly workers: AnyWorker[] = [];
  private sharedRedis?: IORedis;
  /** Connections we handed to BullMQ: it does not close connections it did not create. */
  private readonly ownedRedis: IORedis[] = [];
  private closed = false;

  readonly kind: QueueBackendKind;

  constructor(private readonly config: QueueBackendConfig) {
    if (config.redisUrl) this.kind = 'redis';
    else if (config.databaseUrl) this.kind = 'postgres';
    else throw new Error('QueueBackend needs REDIS_URL or a PostgreSQL URL');
  }

  /** The Redis connection options BullMQ needs: workers block, so no per-request retry limit. */
  private redisOptions(): RedisOptions {
    return { maxRetriesPerRequest: null, enableReadyCheck: true, lazyConnect: false };
  }

  private redis(): IORedis {
    if (!this.sharedRedis) {
      this.sharedRedis = new IORedis(this.config.redisUrl!, this.redisOptions());
      // Errors surface through ping()/health; an unhandled 'error' event would crash the process.
      this.sharedRedis.on('error', () => undefined);
    }
    return this.sharedRedis;
  }

  private postgresConnection(): { connectionString: string; schema: string; migrate: boolean } {
    return {
      connectionString: this.config.databaseUrl!,
      schema: this.config.namespace ? `bullmq_${this.config.namespace}` : 'bullmq',
      migrate: true,
    };
  }

  queue<T = unknown>(name: string, defaultJobOptions?: JobsOptions): AppQueue<T> {
    const existing = this.queues.get(name);
    if (existing) return existing as AppQueue<T>;
    let queue: AnyQueue;
    if (this.kind === 'redis') {
      const opts: QueueOptions = { connection: this.redis(), prefix: this.prefix(), defaultJobOptions };
      queue = new Queue(name, opts);
    } else {
      queue = new Queue(name, { connection: this.postgresConnection(), defaultJobOptions }, createPostgresBackend);
    }
    queue.on('error', () => undefined);
    this.queues.set(name, queue);
    return queue as AppQueue<T>;
  }

  worker<T = unknown, R = unknown>(
    name: string,
    processor: Processor<T, R>,
    options: Omit<WorkerOptions, 'connection'> = {},
  ): AppWorker<T, R> {
    let worker: AnyWorker;
    if (this.kind === 'redis') {
      // A worker needs its own blocking connection; BullMQ duplicates it from these options.
      const connection = new IORedis(this.config.redisUrl!, this.redisOptions());
      connection.on('error', () => undefined);
      this.ownedRedis.push(connection);
      worker = new Worker(name, processor as Processor, { ...options, connection, prefix: this.prefix() });
    } else {
      worker = new Worker(
        name,
        processor as Processor,
        { ...options, connection: this.postgresConnection() },
        createPostgresBackend,
      );
    }
    worker.on('error', () => undefined);
    this.workers.push(worker);
    return worker as AppWorker<T, R>;
  }

  private prefix(): string {
    return this.config.namespace ? `csp:${this.config.namespace}` : 'csp';
  }

  /** Checks the Redis eviction policy: BullMQ loses jobs silently under any policy but noeviction. */
  async checkSettings(): Promise<string[]> {
    if (this.kind !== 'redis') return [];
    const warnings: string[] = [];
    try {
      const reply = (await this.redis().config('GET', 'maxmemory-policy')) as string[];
      const policy = reply?.[1];
      if (policy && policy !== 'noeviction') {
        warnings.push(
          `Redis maxmemory-policy is "${policy}": BullMQ requires "noeviction" or jobs may be evicted; set it in redis.conf (docker-compose does).`,
        );
      }
    } catch {
      warnings.push('Could not read Redis maxmemory-policy (CONFIG GET refused); make sure it is "noeviction".');
    }
    for (const w of warnings) this.config.onWarning?.(w);
    return warnings;
  }

  async ping(): Promise<QueueBackendHealth> {
    try {
      if (this.kind === 'redis') {
        const pong = await withTimeout(this.redis().ping(), 2000);
        return { kind: this.kind, ok: pong === 'PONG' };
      }
      // On PostgreSQL a queue round trip proves both the connection and the migrated schema.
      await withTimeout(this.queue('health').getJobCounts('waiting'), 2000);
      return { kind: this.kind, ok: true };
    } catch (error) {
      return { kind: this.kind, ok: false, detail: error instanceof Error ? error.message : String(error) };
    }
  }

  /** Graceful: workers finish their current job first (SIGTERM loses no job). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.allSettled(this.workers.map((w) => w.close()));
    await Promise.allSettled([...this.queues.values()].map((q) => q.close()));
    for (const c of [...this.ownedRedis, ...(this.sharedRedis ? [this.sharedRedis] : [])]) {
      await c.quit().catch(() => c.disconnect());
    }
  }
}

export type { Job };

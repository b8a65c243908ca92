import type { EventStore, NON_APPENDING_SESSIONS, RecordedEvent, Subscription } from '@csp/event-store';
import type { Pool, PoolClient } from 'pg';
import type { Projection } from './projection';
import { CheckpointWatcher } from '../checkpoints/checkpoint-watcher';
import { CHECKPOINT_CHANNEL, migrateProjections, projectionLockKey } from '../checkpoints/checkpoint.schema';
import { describeError, silentProjectionLogger, type ProjectionLogger } from './projection.logger';

export interface ProjectionRunnerOptions {
  pool: Pool;
  eventStore: EventStore;
  projection: Projection;
  /** Events per batch (= per transaction). Default 500. */
  batchSize?: number;
  /** How often a standby retries the lock. Default 1000 ms. */
  lockRetryMs?: number;
  /** After losing its lock connection, how long this instance waits before competing again, so a standby takes over. Default 3 × lockRetryMs. */
  lostLockBackoffMs?: number;
  /** Pause before retrying after a failed batch. Default 1000 ms. */
  failureRetryMs?: number;
  /** Shared watcher for waitForPosition (one LISTEN connection per process); one is created if absent. */
  watcher?: CheckpointWatcher;
  logger?: ProjectionLogger;
}

export interface ProjectionStatus {
  name: string;
  version: number;
  /** True while this instance holds the projection's lock and applies events. */
  active: boolean;
  checkpoint: number;
  head: number;
  /** head − checkpoint, in global positions. */
  lag: number;
  /** Backend pid of the lock connection while active. */
  lockPid: number | null;
  lastError: string | null;
}

/** The checkpoint moved under us: another instance wrote it, or someone reset it. */
export class CheckpointMovedError extends Error {
  constructor(projection: string, expected: number) {
    super(`checkpoint of projection ${projection} is no longer at ${expected}`);
    this.name = 'CheckpointMovedError';
  }
}

type Deferred = { promise: Promise<void>; resolve: () => void };
const deferred = (): Deferred => {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
};

/** application_name of sessions that only write projection rows (runners, shadow builds). */
export const PROJECTION_SESSION: (typeof NON_APPENDING_SESSIONS)[number] = 'rm-projection';

const ADVANCE_SQL = `WITH moved AS (
    UPDATE read_model_checkpoints SET position = $3, version = $4, updated_at = now()
     WHERE projection = $1 AND position = $2
    RETURNING projection, position)
  SELECT pg_notify($5, projection || ':' || position::text) FROM moved`;

/**
 * Runs one projection: waits for its advisory lock (one active instance across processes), then
 * catches up from the stored checkpoint and follows the store live. Every batch is applied and the
 * checkpoint advanced in one transaction on the lock connection itself, so if that connection
 * dies the batch dies with it and a standby that took the lock cannot be overtaken by a stale
 * commit; the checkpoint update is also guarded by its expected previous value.
 *
 *   const runner = new ProjectionRunner({ pool, eventStore, projection: softwareListProjection });
 *   runner.start();
 *   await runner.waitForPosition(commandResult.lastGlobalPosition, 2000);
 *   await runner.stop();
 */
export class ProjectionRunner {
  readonly name: string;
  private readonly pool: Pool;
  private readonly store: EventStore;
  private readonly projection: Projection;
  private readonly types: Set<string>;
  private readonly batchSize: number;
  private readonly lockRetryMs: number;
  private readonly failureRetryMs: number;
  private readonly lostLockBackoffMs: number;
  private readonly watcher: CheckpointWatcher;
  private readonly ownsWatcher: boolean;
  private readonly logger: ProjectionLogger;

  private loop?: Promise<void>;
  private stopping = false;
  /** Resolved by stop() or by the loss of the lock connection: ends waits early. */
  private interrupt = deferred();
  /** Resolved by stop() only. */
  private readonly stopped = deferred();
  private lost?: unknown;
  private position = 0;
  private active = false;
  private pid: number | null = null;
  private lastError: string | null = null;

  constructor(options: ProjectionRunnerOptions) {
    this.pool = options.pool;
    this.store = options.eventStore;
    this.projection = options.projection;
    this.name = options.projection.name;
    this.types = new Set(options.projection.eventTypes);
    this.batchSize = options.batchSize ?? 500;
    this.lockRetryMs = options.lockRetryMs ?? 1000;
    this.failureRetryMs = options.failureRetryMs ?? 1000;
    this.lostLockBackoffMs = options.lostLockBackoffMs ?? 3 * this.lockRetryMs;
    this.logger = options.logger ?? silentProjectionLogger;
    this.ownsWatcher = !options.watcher;
    this.watcher = options.watcher ?? new CheckpointWatcher(options.pool, { logger: this.logger });
  }

  /** Starts competing for the lock in the background; idempotent. */
  start(): void {
    if (this.loop || this.stopping) return;
    this.loop = this.run();
  }

  /** Stops after the in-flight batch (committed or rolled back), then frees the lock. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.stopped.resolve();
    this.interrupt.resolve();
    await this.loop;
    if (this.ownsWatcher) await this.watcher.close();
  }

  get isActive(): boolean {
    return this.active;
  }

  /** Backend pid of the connection holding the lock (null in standby). */
  get lockPid(): number | null {
    return this.pid;
  }

  /** The projection's checkpoint: this instance's while active, else the stored one. */
  async checkpoint(): Promise<number> {
    return this.active ? this.position : this.watcher.checkpoint(this.name);
  }

  async lag(): Promise<number> {
    const [head, checkpoint] = await Promise.all([this.store.headPosition(), this.checkpoint()]);
    return Math.max(0, head - checkpoint);
  }

  async status(): Promise<ProjectionStatus> {
    const [head, checkpoint] = await Promise.all([this.store.headPosition(), this.checkpoint()]);
    return {
      name: this.name,
      version: this.projection.version,
      active: this.active,
      checkpoint,
      head,
      lag: Math.max(0, head - checkpoint),
      lockPid: this.pid,
      lastError: this.lastError,
    };
  }

  /** Read-your-writes: true once the checkpoint is ≥ minPosition, false after timeoutMs. */
  waitForPosition(minPosition: number, timeoutMs: number): Promise<boolean> {
    if (this.active && this.position >= minPosition) return Promise.resolve(true);
    return this.watcher.waitForPosition(this.name, minPosition, timeoutMs);
  }

  // ------------------------------------------------------------------ lock

  private async run(): Promise<void> {
    while (!this.stopping) {
      this.interrupt = deferred();
      this.lost = undefined;
      if (this.stopping) break;
      let client: PoolClient | undefined;
      let held = false;
      const interrupt = this.interrupt;
      const onLost = (error: unknown): void => {
        // Late events of an earlier connection must not interrupt a later attempt.
        if (interrupt !== this.interrupt) return;
        this.lost ??= error ?? new Error('lock connection ended');
        interrupt.resolve();
      };
      const onEnd = (): void => onLost(new Error('lock connection ended'));
      try {
        client = await this.pool.connect();
        client.on('error', onLost);
        client.on('end', onEnd);
        const result = await client.query<{ locked: boolean; pid: number }>(
          'SELECT pg_try_advisory_lock(hashtext($1)) AS locked, pg_backend_pid() AS pid',
          [projectionLockKey(this.name)],
        );
        if (!result.rows[0].locked) {
          client.off('error', onLost);
          client.off('end', onEnd);
          client.release();
          client = undefined;
        } else {
          this.pid = result.rows[0].pid;
          this.active = true;
          held = true;
          this.logger.info(`projection ${this.name}: active (lock held by backend ${this.pid})`);
          await this.lead(client);
        }
      } catch (error) {
        if (!this.stopping) {
          this.lastError = describeError(error);
          this.logger.warn(`projection ${this.name}: ${this.lastError}`);
        }
      } finally {
        if (this.active)
          this.logger.info(
            `projection ${this.name}: ${this.stopping ? 'stopped' : 'lost its lock'} at ${this.position}`,
          );
        this.active = false;
        this.pid = null;
        // Closing the session is what frees the session-level lock, whatever state it is in.
        if (client) {
          client.off('end', onEnd);
          client.release(true);
        }
      }
      if (!this.stopping) await this.pause(held ? this.lostLockBackoffMs : this.lockRetryMs, this.stopped.promise);
    }
  }

  private pause(ms: number, until: Promise<void> = this.interrupt.promise): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      void until.then(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  private get interrupted(): boolean {
    return this.stopping || this.lost !== undefined;
  }

  // ------------------------------------------------------------------ while holding the lock

  private async lead(client: PoolClient): Promise<void> {
    // This session only writes projection rows: named so, the event store's gap-safe horizon does not hold back
    // events appended while one of its batches is open. The session is closed (not pooled) when the lock goes.
    await client.query(`SET application_name = '${PROJECTION_SESSION}'`);
    await migrateProjections(client, [this.projection]);
    await client.query(
      'INSERT INTO read_model_checkpoints (projection, position, version) VALUES ($1, 0, $2) ON CONFLICT (projection) DO NOTHING',
      [this.name, this.projection.version],
    );
    while (!this.interrupted) {
      const stored = await client.query<{ position: string }>(
        'SELECT position FROM read_model_checkpoints WHERE projection = $1',
        [this.name],
      );
      this.position = Number(stored.rows[0].position);
      this.watcher.observe(this.name, this.position);
      try {
        await this.catchUp(client);
        if (!this.interrupted) await this.follow(client);
      } catch (error) {
        if (this.lost !== undefined) throw this.lost;
        // A failed batch rolled back; retry from the stored checkpoint (a poison event retries forever, loudly).
        this.lastError = describeError(error);
        this.logger.error(`projection ${this.name}: batch after ${this.position} failed, retrying: ${this.lastError}`);
        await this.pause(this.failureRetryMs);
      }
    }
    if (this.lost !== undefined) throw this.lost;
  }

  /** Catch-up reads only the projection's types; the scanned position skips the rest in one step. */
  private async catchUp(client: PoolClient): Promise<void> {
    while (!this.interrupted) {
      const batch = await this.store.readAll({
        after: this.position,
        maxCount: this.batchSize,
        types: [...this.types],
      });
      const to = Math.max(batch.lastPosition, batch.scannedPosition ?? batch.lastPosition);
      if (to > this.position) await this.applyBatch(client, batch.events, to);
      if (batch.isEnd || (batch.events.length === 0 && to <= this.position)) return;
    }
  }

  /** Live: every event, so that a checkpoint also moves past events of other types. */
  private async follow(client: PoolClient): Promise<void> {
    let failure: { error: unknown } | undefined;
    const failed = deferred();
    const subscription: Subscription = this.store.subscribe({
      after: this.position,
      batchSize: this.batchSize,
      handler: (events) => this.applyBatch(client, events, events[events.length - 1].globalPosition),
      onError: (error) => {
        failure = { error };
        failed.resolve();
      },
    });
    await Promise.race([this.interrupt.promise, failed.promise]);
    await subscription.stop();
    if (failure) throw failure.error;
  }

  private async applyBatch(client: PoolClient, events: RecordedEvent[], to: number): Promise<void> {
    const from = this.position;
    if (to <= from) return;
    const relevant = events.filter((e) => e.globalPosition > from && e.globalPosition <= to && this.types.has(e.type));
    if (relevant.length === 0) {
      await this.advance(client, from, to);
    } else {
      await client.query('BEGIN');
      try {
        await this.advance(client, from, to);
        await this.projection.apply(client, relevant);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      }
    }
    this.position = to;
    this.lastError = null;
    this.watcher.observe(this.name, to);
  }

  /** Moves the checkpoint from → to (row-locked, fenced by its old value) and NOTIFYs on commit. */
  private async advance(client: PoolClient, from: number, to: number): Promise<void> {
    const result = await client.query(ADVANCE_SQL, [this.name, from, to, this.projection.version, CHECKPOINT_CHANNEL]);
    if (result.rowCount !== 1) throw new CheckpointMovedError(this.name, from);
  }
}

import type { Pool, PoolClient } from 'pg';
import { CHECKPOINT_CHANNEL } from './checkpoint.schema';
import { describeError, silentProjectionLogger, type ProjectionLogger } from '../projections/projection.logger';

export interface CheckpointWatcherOptions {
  /** Fallback poll while someone waits, in case a notification is lost. Default 500 ms. */
  pollIntervalMs?: number;
  logger?: ProjectionLogger;
}

type Waiter = { projection: string; minPosition: number; resolve: (reached: boolean) => void };

/**
 * Read-your-writes for any process (the API need not run the projections): waits until a
 * projection's stored checkpoint reaches a position, woken by the runners' NOTIFY and, as a
 * fallback, by polling the checkpoint table. One LISTEN connection per watcher, opened lazily.
 */
export class CheckpointWatcher {
  private readonly known = new Map<string, number>();
  private readonly waiters = new Set<Waiter>();
  private readonly pollIntervalMs: number;
  private readonly logger: ProjectionLogger;
  private listener?: Promise<PoolClient | undefined>;
  private pollTimer?: NodeJS.Timeout;
  private polling = false;
  private closed = false;

  constructor(
    private readonly pool: Pool,
    options: CheckpointWatcherOptions = {},
  ) {
    this.pollIntervalMs = options.pollIntervalMs ?? 500;
    this.logger = options.logger ?? silentProjectionLogger;
  }

  /** The stored checkpoint of a projection (0 when it never ran). */
  async checkpoint(projection: string): Promise<number> {
    const result = await this.pool.query<{ position: string }>(
      'SELECT position FROM read_model_checkpoints WHERE projection = $1',
      [projection],
    );
    const position = Number(result.rows[0]?.position ?? 0);
    this.observe(projection, position);
    return position;
  }

  /** Resolves true once the projection's checkpoint is ≥ minPosition, false after timeoutMs. */
  async waitForPosition(projection: string, minPosition: number, timeoutMs: number): Promise<boolean> {
    if ((this.known.get(projection) ?? 0) >= minPosition) return true;
    if (this.closed) return false;
    void this.ensureListening();
    return new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => finish(false), Math.max(0, timeoutMs));
      const waiter: Waiter = { projection, minPosition, resolve: (reached) => finish(reached) };
      const finish = (reached: boolean): void => {
        if (!this.waiters.delete(waiter)) return;
        clearTimeout(timer);
        if (this.waiters.size === 0) this.stopPolling();
        resolve(reached);
      };
      this.waiters.add(waiter);
      this.startPolling();
      // The checkpoint may already be there: read it once now rather than after the first poll.
      this.checkpoint(projection).catch((error) =>
        this.logger.warn(`checkpoint watcher: read failed (${describeError(error)})`),
      );
    });
  }

  /** Records a position seen elsewhere (the local runner after its commit) and wakes waiters. */
  observe(projection: string, position: number): void {
    if (position <= (this.known.get(projection) ?? 0)) return;
    this.known.set(projection, position);
    for (const waiter of [...this.waiters]) {
      if (waiter.projection === projection && position >= waiter.minPosition) waiter.resolve(true);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const waiter of [...this.waiters]) waiter.resolve(false);
    this.stopPolling();
    const client = await this.listener;
    this.listener = undefined;
    if (client) {
      await client.query(`UNLISTEN ${CHECKPOINT_CHANNEL}`).catch(() => undefined);
      client.release(true);
    }
  }

  private ensureListening(): Promise<PoolClient | undefined> {
    this.listener ??= this.listen();
    return this.listener;
  }

  private async listen(): Promise<PoolClient | undefined> {
    let client: PoolClient | undefined;
    try {
      client = await this.pool.connect();
      const held = client;
      let dropped = false;
      const drop = (error: unknown): void => {
        if (dropped) return;
        dropped = true;
        this.logger.warn(`checkpoint watcher: LISTEN connection lost (${describeError(error)})`);
        // The next wait opens a new one; polling covers the gap.
        this.listener = undefined;
        held.release(true);
      };
      held.on('error', drop);
      held.on('notification', (message) => {
        if (message.channel !== CHECKPOINT_CHANNEL || !message.payload) return;
        const at = message.payload.lastIndexOf(':');
        const position = Number(message.payload.slice(at + 1));
        if (at > 0 && Number.isFinite(position)) this.observe(message.payload.slice(0, at), position);
      });
      await held.query(`LISTEN ${CHECKPOINT_CHANNEL}`);
      if (this.closed) {
        held.release(true);
        return undefined;
      }
      return held;
    } catch (error) {
      this.logger.warn(`checkpoint watcher: cannot LISTEN (${describeError(error)}); polling`);
      client?.release(true);
      this.listener = undefined;
      return undefined;
    }
  }

  private startPolling(): void {
    if (this.pollTimer || this.closed) return;
    this.pollTimer = setInterval(() => void this.poll(), this.pollIntervalMs);
    this.pollTimer.unref();
  }

  private stopPolling(): void {
    if (this.pollTimer) clearInterval(this.pollTimer);
    this.pollTimer = undefined;
  }

  private async poll(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      const names = [...new Set([...this.waiters].map((w) => w.projection))];
      if (names.length === 0) return;
      const result = await this.pool.query<{ projection: string; position: string }>(
        'SELECT projection, position FROM read_model_checkpoints WHERE projection = ANY($1::text[])',
        [names],
      );
      for (const row of result.rows) this.observe(row.projection, Number(row.position));
    } catch (error) {
      this.logger.warn(`checkpoint watcher: poll failed (${describeError(error)})`);
    } finally {
      this.polling = false;
    }
  }
}

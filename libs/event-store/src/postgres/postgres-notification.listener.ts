import { Client } from 'pg';
import { describeError, logInfo, type EventStoreLogger } from '../event-store.logger';

/**
 * One LISTEN connection per store, shared by its subscriptions. It reconnects with backoff when
 * the connection drops (PostgreSQL restart, pg_terminate_backend) and wakes everybody after
 * each (re)connect, because notifications sent while it was away are lost.
 */
export class PostgresNotificationListener {
  private client?: Client;
  private running = false;
  private connecting?: Promise<void>;
  private retryTimer?: NodeJS.Timeout;
  private failures = 0;
  private readonly listeners = new Set<() => void>();
  /** Bumped by every wake-up (local append, NOTIFY, reconnect): what was read before may be stale. */
  private wakes = 0;

  constructor(
    private readonly connectionString: string,
    private readonly channel: string,
    private readonly logger: EventStoreLogger,
  ) {}

  /** Registers a wake-up callback and starts listening if needed; returns the unregister function. */
  add(listener: () => void): () => void {
    this.listeners.add(listener);
    if (!this.running) {
      this.running = true;
      this.connect();
    }
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** True while a LISTEN connection is established (for tests and health). */
  get connected(): boolean {
    return this.client !== undefined;
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    await this.connecting?.catch(() => undefined);
    const client = this.client;
    this.client = undefined;
    if (client) await client.end().catch(() => undefined);
  }

  /** Counts wake-ups; equal counts before and after a read mean nobody announced new events meanwhile. */
  get epoch(): number {
    return this.wakes;
  }

  /** Wakes this process's followers at once (after a local append), without a round trip. */
  wakeAll(): void {
    this.wakes += 1;
    for (const listener of [...this.listeners]) listener();
  }

  private connect(): void {
    if (!this.running || this.connecting) return;
    this.connecting = this.open().finally(() => {
      this.connecting = undefined;
    });
  }

  private async open(): Promise<void> {
    const client = new Client({
      connectionString: this.connectionString,
      application_name: 'es-listener',
      keepAlive: true,
      connectionTimeoutMillis: 5000,
    });
    let dropped = false;
    const onDrop = (error?: unknown): void => {
      if (dropped) return;
      dropped = true;
      if (this.client === client) this.client = undefined;
      client.end().catch(() => undefined);
      if (!this.running) return;
      this.logger.warn(`event store listener disconnected${error ? `: ${describeError(error)}` : ''}; reconnecting`);
      this.scheduleReconnect();
    };
    client.on('error', onDrop);
    client.on('end', () => onDrop());
    client.on('notification', () => this.wakeAll());
    try {
      await client.connect();
      await client.query(`LISTEN "${this.channel.replace(/"/g, '""')}"`);
    } catch (error) {
      onDrop(error);
      return;
    }
    if (!this.running || dropped) {
      await client.end().catch(() => undefined);
      return;
    }
    if (this.failures > 0) logInfo(this.logger, 'event store listener reconnected');
    this.failures = 0;
    this.client = client;
    this.wakeAll();
  }

  private scheduleReconnect(): void {
    if (this.retryTimer || !this.running) return;
    this.failures += 1;
    const delay = Math.min(100 * 2 ** Math.min(this.failures, 6), 5000);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.connect();
    }, delay);
  }
}

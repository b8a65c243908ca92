import { Pool, type PoolConfig } from 'pg';
import type {
  AppendOptions,
  AppendResult,
  DomainEvent,
  EventStore,
  NewEvent,
  ReadAllOptions,
  ReadAllResult,
  ReadStreamOptions,
  ReadStreamResult,
  SubscribeOptions,
  Subscription,
} from '../event-store.port';
import { describeError, silentLogger, type EventStoreLogger } from '../event-store.logger';
import { CatchUpSubscription } from '../subscription/catch-up-subscription';
import { PostgresAppender } from './postgres-append';
import { AppendNotifier } from './postgres-append-notifier';
import { toStoreError } from './postgres-errors';
import {
  MIGRATE_LOCK_CLASS,
  NON_APPENDING_SESSIONS,
  lockKey,
  notifyChannel,
  tableDdl,
} from './postgres-event-store.schema';
import { storeStatements, type StoreStatements } from './postgres-event-store.statements';
import { PostgresNotificationListener } from './postgres-notification.listener';
import { readAllBelowHorizon } from './postgres-read-all';
import { toRecorded, type EventRow } from './postgres-rows';
import { PostgresSession } from './postgres-session';
import { SharedReads } from './postgres-shared-reads';

export interface PostgresEventStoreOptions {
  connectionString: string;
  /** Schema holding es_streams / es_events / es_append. Default 'public'. */
  schema?: string;
  /** Reported as `kind`. Default 'postgresql'. */
  kind?: string;
  /** Pool size. Default 20. */
  poolSize?: number;
  /** Fallback poll of subscriptions, in case a notification is missed. Default 1000 ms. */
  pollIntervalMs?: number;
  /** Minimum gap between two NOTIFYs this store sends after appends. Default 5 ms. */
  notifyIntervalMs?: number;
  /** Extra pg pool settings (ssl, timeouts …). */
  pool?: Omit<PoolConfig, 'connectionString' | 'max'>;
  logger?: EventStoreLogger;
}

/**
 * The PostgreSQL event store: one `es_append` call (one round trip) per append (postgres-append), gap-safe
 * reads by transaction id (postgres-read-all, shared between callers by postgres-shared-reads), followers woken
 * by LISTEN/NOTIFY (postgres-append-notifier, postgres-notification.listener) with a fallback poll.
 */
export class PostgresEventStore implements EventStore {
  readonly kind: string;
  readonly schema: string;
  private readonly pool: Pool;
  /** NOTIFYs go through a session of their own, named so that the gap-safe horizon ignores its transactions. */
  private readonly notifyPool: Pool;
  private readonly logger: EventStoreLogger;
  private readonly pollIntervalMs: number;
  private readonly listener: PostgresNotificationListener;
  private readonly subscriptions = new Set<Subscription>();
  private readonly sql: StoreStatements;
  private readonly session: PostgresSession;
  private readonly appender: PostgresAppender;
  private readonly notifier: AppendNotifier;
  private readonly shared: SharedReads;
  private closed = false;

  /** Creates the store and runs its (idempotent) migration. */
  static async create(options: PostgresEventStoreOptions): Promise<PostgresEventStore> {
    const store = new PostgresEventStore(options);
    try {
      await store.migrate();
    } catch (error) {
      await store.close();
      throw toStoreError(error, 'migrate');
    }
    return store;
  }

  constructor(options: PostgresEventStoreOptions) {
    this.kind = options.kind ?? 'postgresql';
    this.schema = options.schema ?? 'public';
    this.logger = options.logger ?? silentLogger;
    this.pollIntervalMs = options.pollIntervalMs ?? 1000;
    this.pool = new Pool({
      connectionTimeoutMillis: 5000,
      idleTimeoutMillis: 30_000,
      keepAlive: true,
      application_name: 'es-store',
      ...options.pool,
      connectionString: options.connectionString,
      max: options.poolSize ?? 20,
    });
    // Idle clients die when PostgreSQL restarts; without this handler the process would crash.
    this.pool.on('error', (error) =>
      this.logger.warn(`event store pool: idle connection lost (${describeError(error)})`),
    );
    this.notifyPool = new Pool({
      connectionTimeoutMillis: 5000,
      idleTimeoutMillis: 30_000,
      keepAlive: true,
      ...options.pool,
      application_name: 'es-notify' satisfies (typeof NON_APPENDING_SESSIONS)[number],
      connectionString: options.connectionString,
      max: 1,
    });
    this.notifyPool.on('error', (error) =>
      this.logger.warn(`event store notify session: idle connection lost (${describeError(error)})`),
    );
    this.listener = new PostgresNotificationListener(options.connectionString, notifyChannel(this.schema), this.logger);
    this.sql = storeStatements(this.schema);
    this.session = new PostgresSession(this.pool, this.schema);
    this.notifier = new AppendNotifier({
      notifyPool: this.notifyPool,
      session: this.session,
      sql: this.sql,
      schema: this.schema,
      listener: this.listener,
      intervalMs: options.notifyIntervalMs ?? 5,
      logger: this.logger,
      closed: () => this.closed,
    });
    this.appender = new PostgresAppender(this.session, this.sql, () => this.notifier.signalAppended());
    this.shared = new SharedReads({
      read: (o) => this.readAllNow(o),
      epoch: () => this.listener.epoch,
      closed: () => this.closed,
    });
  }

  /** Creates schema, tables and the append function if missing. Safe to call from several processes at once. */
  async migrate(): Promise<void> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock($1, $2)', [MIGRATE_LOCK_CLASS, lockKey(this.schema)]);
      for (const ddl of tableDdl(this.schema)) await client.query(ddl);
      await client.query('COMMIT');
      client.release();
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      client.release(true);
      throw error;
    }
  }

  appendToStream<E extends DomainEvent>(
    streamId: string,
    events: NewEvent<E>[],
    options: AppendOptions = {},
  ): Promise<AppendResult> {
    return this.appender.append(streamId, events, options);
  }

  async readStream<E extends DomainEvent = DomainEvent>(
    streamId: string,
    options: ReadStreamOptions = {},
  ): Promise<ReadStreamResult<E>> {
    const result = await this.session.run<EventRow & { version: string }>('read_stream', this.sql.readStream, [
      streamId,
      Math.max(1, options.from ?? 1),
      options.to ?? null,
      options.recordedAtOrBefore ?? null,
    ]);
    if (result.rows.length === 0) return { streamExists: false, currentVersion: 0, events: [] };
    return {
      streamExists: true,
      currentVersion: Number(result.rows[0].version),
      events: result.rows.filter((r) => r.global_position !== null).map((r) => toRecorded<E>(r)),
    };
  }

  /**
   * A fresh read, except that a catch-up reader (projections, replay, the auditors' feed) asking for the batch
   * right after a full one finds it already read ahead, so that PostgreSQL and this process work at the same
   * time. A read-ahead is dropped at the next wake-up (local append, NOTIFY, reconnect) and after a short while.
   */
  async readAll(options: ReadAllOptions = {}): Promise<ReadAllResult> {
    return this.shared.read(options, 'ahead');
  }

  /**
   * Followers woken together ask for the same batch: they share one read, provided it started after the latest
   * wake-up (so nobody misses what was announced).
   */
  private followerRead(options: ReadAllOptions): Promise<ReadAllResult> {
    return this.shared.read(options, 'any');
  }

  /** One read of the database, below the safe horizon. */
  private readAllNow(options: ReadAllOptions): Promise<ReadAllResult> {
    return readAllBelowHorizon(this.session, this.sql, options);
  }

  subscribe(options: SubscribeOptions): Subscription {
    if (this.closed) throw new Error('Event store is closed');
    const subscription = new CatchUpSubscription(
      { readAll: (o) => this.followerRead(o), onWake: (listener) => this.listener.add(listener) },
      options,
      { pollIntervalMs: this.pollIntervalMs, logger: this.logger },
    );
    this.subscriptions.add(subscription);
    const stop = subscription.stop.bind(subscription);
    return {
      caughtUp: subscription.caughtUp,
      stop: async () => {
        await stop();
        this.subscriptions.delete(subscription);
      },
    };
  }

  async headPosition(): Promise<number> {
    const result = await this.session.run<{ position: string }>('head', this.sql.head, []);
    return Number(result.rows[0].position);
  }

  async ping(): Promise<void> {
    await this.session.run('ping', 'SELECT 1', []);
  }

  /** True while the LISTEN connection is up (exposed for tests and health details). */
  get listening(): boolean {
    return this.listener.connected;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.subscriptions].map((s) => s.stop()));
    this.subscriptions.clear();
    await this.notifier.inFlight;
    await this.listener.stop();
    await Promise.all([this.pool.end(), this.notifyPool.end()]);
  }
}

import { randomUUID } from 'node:crypto';
import { Pool, type PoolConfig, type QueryResultRow } from 'pg';
import {
  DuplicateEventIdError,
  WrongExpectedVersionError,
  type AppendOptions,
  type AppendResult,
  type DomainEvent,
  type EventStore,
  type ExpectedVersion,
  type NewEvent,
  type ReadAllOptions,
  type ReadAllResult,
  type ReadStreamOptions,
  type ReadStreamResult,
  type RecordedEvent,
  type SubscribeOptions,
  type Subscription,
} from '../event-store.port';
import { describeError, silentLogger, type EventStoreLogger } from '../event-store.logger';
import { isSameEvent } from '../same-event';
import { CatchUpSubscription } from '../subscription/catch-up-subscription';
import { toStoreError } from './postgres-errors';
import {
  MAX_EVENTS_PER_APPEND,
  MIGRATE_LOCK_CLASS,
  NON_APPENDING_SESSIONS,
  lockKey,
  notifyChannel,
  tableDdl,
  type ExpectedMode,
} from './postgres-event-store.schema';
import { PostgresNotificationListener } from './postgres-notification.listener';
import { storeStatements, type StoreStatements } from './postgres-event-store.statements';

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

type EventRow = {
  global_position: string;
  stream_id: string;
  stream_position: string;
  event_id: string;
  type: string;
  data: unknown;
  metadata: unknown;
  recorded_at: Date;
};

/**
 * A readAll row as an array: head, bound, then EVENT_COLUMNS (global_position, stream_id, stream_position,
 * event_id, type, data, metadata, recorded_at). No object with named fields per row: less garbage on the
 * hottest read.
 */
type ReadAllRow = [string, string, string | null, string, string, string, string, unknown, unknown, Date];

function recordedFromArray(r: ReadAllRow): RecordedEvent {
  return {
    eventId: r[5],
    streamId: r[3],
    streamPosition: Number(r[4]),
    globalPosition: Number(r[2]),
    type: r[6],
    data: r[7] as RecordedEvent['data'],
    metadata: (r[8] ?? {}) as RecordedEvent['metadata'],
    recordedAt: r[9],
  };
}

function toRecorded<E extends DomainEvent>(row: EventRow): RecordedEvent<E> {
  return {
    eventId: row.event_id,
    streamId: row.stream_id,
    streamPosition: Number(row.stream_position),
    globalPosition: Number(row.global_position),
    type: row.type as E['type'],
    data: row.data as E['data'],
    metadata: (row.metadata ?? {}) as RecordedEvent['metadata'],
    recordedAt: row.recorded_at,
  };
}

function expectedMode(expected: ExpectedVersion): ExpectedMode {
  if (expected === 'any' || expected === 'no_stream' || expected === 'stream_exists') return expected;
  if (!Number.isSafeInteger(expected) || expected < 0) {
    throw new RangeError(`Expected version must be a non-negative integer, got ${String(expected)}`);
  }
  // Version 0 = no events = the stream does not exist.
  return expected === 0 ? 'no_stream' : 'exact';
}

/** A shared read older than this is not reused (it may say "end" while more has been written since). */
const SHARED_READ_MAX_AGE_MS = 250;
/** Bounds the memory held by shared reads (each up to one batch). */
const MAX_SHARED_READS = 16;

const readAllKey = (o: ReadAllOptions): string =>
  JSON.stringify([o.after ?? 0, o.maxCount ?? 1000, o.types ?? null, o.streamPrefixes ?? null]);

function isAscending(events: RecordedEvent[]): boolean {
  for (let i = 1; i < events.length; i++) if (events[i - 1].globalPosition >= events[i].globalPosition) return false;
  return true;
}

/** Turns a driver error into the store's errors (unavailable, …), naming the operation. */
async function storeErrors<T>(name: string, pending: Promise<T>): Promise<T> {
  try {
    return await pending;
  } catch (error) {
    throw toStoreError(error, name.replace('_', ' '));
  }
}

/** LIKE pattern for a stream-id prefix. */
const likePrefix = (prefix: string): string => `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/**
 * The PostgreSQL event store: one `es_append` call (one round trip) per append, gap-safe reads
 * by transaction id, followers woken by LISTEN/NOTIFY with a fallback poll.
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
  /** Statement names are per schema, since a connection may serve several stores. */
  private readonly statementPrefix: string;
  private closed = false;
  private readonly notifyIntervalMs: number;
  private notifying?: Promise<void>;
  private notifyAgain = false;
  /** Reads in flight or just done, by their options, shared until the next wake-up (see readAll). */
  private readonly reads = new Map<
    string,
    { epoch: number; at: number; ahead: boolean; result: Promise<ReadAllResult> }
  >();

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
    this.notifyIntervalMs = options.notifyIntervalMs ?? 5;
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
    this.statementPrefix = `es_${(lockKey(this.schema) >>> 0).toString(36)}`;

    this.sql = storeStatements(this.schema);
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

  async appendToStream<E extends DomainEvent>(
    streamId: string,
    events: NewEvent<E>[],
    options: AppendOptions = {},
  ): Promise<AppendResult> {
    const expected = options.expectedVersion ?? 'any';
    const mode = expectedMode(expected);
    if (events.length === 0) return this.appendNothing(streamId, expected);
    if (events.length > MAX_EVENTS_PER_APPEND) {
      throw new RangeError(`At most ${MAX_EVENTS_PER_APPEND} events per append, got ${events.length}`);
    }
    const payload = events.map((e) => ({
      id: e.id ?? randomUUID(),
      type: e.type,
      data: e.data,
      metadata: e.metadata ?? {},
    }));
    let row: { next_version: string | null; last_position: string | null };
    try {
      const expectedParam = mode === 'exact' ? expected : null;
      const [one] = payload;
      const result =
        payload.length === 1
          ? await this.query<typeof row>(`append_one_${mode}`, this.sql.appendOne[mode], [
              streamId,
              expectedParam,
              one.id,
              one.type,
              JSON.stringify(one.data),
              JSON.stringify(one.metadata),
            ])
          : await this.query<typeof row>(`append_${mode}`, this.sql.append[mode], [
              streamId,
              expectedParam,
              JSON.stringify(payload),
              payload.length,
            ]);
      row = result.rows[0];
    } catch (error) {
      const { code, constraint } = error as { code?: string; constraint?: string };
      // Two copies of one retried append raced past the version check: answer as a replay.
      if (code === '23505' && constraint === 'es_events_event_id_key') {
        return this.replayOrConflict(streamId, expected, payload);
      }
      if (code === '23505' && constraint === 'es_events_pkey') {
        throw new Error('Only one append per database transaction: positions derive from the transaction id');
      }
      throw toStoreError(error, 'append');
    }
    // No version row moved: a conflict, or a retry of an append that is already stored.
    if (row.next_version === null) return this.replayOrConflict(streamId, expected, payload);
    this.signalAppended();
    return {
      nextExpectedVersion: Number(row.next_version),
      lastGlobalPosition: Number(row.last_position),
      idempotentReplay: false,
    };
  }

  async readStream<E extends DomainEvent = DomainEvent>(
    streamId: string,
    options: ReadStreamOptions = {},
  ): Promise<ReadStreamResult<E>> {
    const result = await this.run<EventRow & { version: string }>('read_stream', this.sql.readStream, [
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
    return this.sharedRead(options, 'ahead');
  }

  /**
   * Followers woken together ask for the same batch: they share one read, provided it started after the latest
   * wake-up (so nobody misses what was announced).
   */
  private followerRead(options: ReadAllOptions): Promise<ReadAllResult> {
    return this.sharedRead(options, 'any');
  }

  private async sharedRead(options: ReadAllOptions, reuse: 'ahead' | 'any'): Promise<ReadAllResult> {
    const key = readAllKey(options);
    const epoch = this.listener.epoch;
    const now = Date.now();
    for (const [k, read] of this.reads)
      if (read.epoch !== epoch || now - read.at > SHARED_READ_MAX_AGE_MS) this.reads.delete(k);
    const shared = this.reads.get(key);
    // No await unless there is something to wait for: a second identical call right after must find this one's read.
    let result = shared && (reuse === 'any' || shared.ahead) ? await shared.result.catch(() => undefined) : undefined;
    result ??= await this.startRead(key, options, false);
    if (!result.isEnd && !this.closed) {
      const next = { ...options, after: result.lastPosition };
      const nextKey = readAllKey(next);
      if (!this.reads.has(nextKey)) void this.startRead(nextKey, next, true).catch(() => undefined);
    }
    return result;
  }

  private startRead(key: string, options: ReadAllOptions, ahead: boolean): Promise<ReadAllResult> {
    const result = this.readAllNow(options);
    if (this.reads.size >= MAX_SHARED_READS) this.reads.delete(this.reads.keys().next().value!);
    this.reads.set(key, { epoch: this.listener.epoch, at: Date.now(), ahead, result });
    // A failed read is not shared: the next caller tries again.
    result.catch(() => this.reads.get(key)?.result === result && this.reads.delete(key));
    return result;
  }

  private async readAllNow(options: ReadAllOptions): Promise<ReadAllResult> {
    const after = options.after ?? 0;
    const maxCount = Math.max(1, options.maxCount ?? 1000);
    const types = options.types && options.types.length > 0 ? options.types : null;
    const prefixes =
      options.streamPrefixes && options.streamPrefixes.length > 0 ? options.streamPrefixes.map(likePrefix) : null;
    const result = await this.runArrays<ReadAllRow>('read_all', this.sql.readAll, [after, maxCount, types, prefixes]);
    const bound = Number(result.rows[0]?.[1] ?? 0);
    const events: RecordedEvent[] = [];
    let heldBack = false;
    for (const row of result.rows) {
      if (row[2] === null) continue;
      const event = recordedFromArray(row);
      if (event.globalPosition < bound) events.push(event);
      else heldBack = true;
    }
    // The rows come in index order; should a plan ever change that, order them here (O(n) when already in order).
    if (!isAscending(events)) events.sort((a, b) => a.globalPosition - b.globalPosition);
    const lastPosition = events.length > 0 ? events[events.length - 1].globalPosition : after;
    // Cut by the bound: this is the end of what is safe to read now.
    const isEnd = heldBack || events.length < maxCount;
    const head = Number(result.rows[0]?.[0] ?? 0);
    return {
      events,
      lastPosition,
      isEnd,
      scannedPosition: isEnd ? Math.max(lastPosition, head) : lastPosition,
      heldBack,
    };
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
    const result = await this.run<{ position: string }>('head', this.sql.head, []);
    return Number(result.rows[0].position);
  }

  async ping(): Promise<void> {
    await this.run('ping', 'SELECT 1', []);
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
    await this.notifying;
    await this.listener.stop();
    await Promise.all([this.pool.end(), this.notifyPool.end()]);
  }

  /**
   * Wakes local followers now and other processes' followers through a NOTIFY that is sent
   * outside the append (see the schema notes): at most one in flight, then at most one per
   * `notifyIntervalMs`, however many appends happened meanwhile.
   */
  private signalAppended(): void {
    this.listener.wakeAll();
    if (this.notifying) {
      this.notifyAgain = true;
      return;
    }
    this.notifying = this.sendNotifications().finally(() => {
      this.notifying = undefined;
    });
  }

  private async sendNotifications(): Promise<void> {
    do {
      this.notifyAgain = false;
      try {
        await this.notifyPool.query(this.statement('notify', this.sql.notify, [notifyChannel(this.schema)]));
      } catch (error) {
        // Followers elsewhere still poll; never fail an append over a lost wake-up.
        this.logger.warn(`event store: NOTIFY failed (${describeError(error)})`);
        return;
      }
      if (this.notifyAgain) await new Promise((r) => setTimeout(r, this.notifyIntervalMs));
    } while (this.notifyAgain && !this.closed);
  }

  /** A named (prepared) statement; names are per schema, since a connection may serve several stores. */
  private statement(name: string, text: string, values: unknown[]) {
    return { name: `${this.statementPrefix}_${name}`, text, values };
  }

  private query<R extends QueryResultRow>(name: string, text: string, values: unknown[]) {
    return this.pool.query<R>(this.statement(name, text, values));
  }

  private run<R extends QueryResultRow>(name: string, text: string, values: unknown[]) {
    return storeErrors(name, this.query<R>(name, text, values));
  }

  /** Rows as arrays: no object with named fields per row. */
  private runArrays<R extends unknown[]>(name: string, text: string, values: unknown[]) {
    return storeErrors(name, this.pool.query<R>({ ...this.statement(name, text, values), rowMode: 'array' }));
  }

  /**
   * Nothing was written: the version did not match, or an id is already stored. A replay only when every
   * event is stored, in this stream, as this append would write it; an id stored with other content is a
   * DuplicateEventIdError (never success), and none of them stored is a plain version conflict.
   */
  private async replayOrConflict(
    streamId: string,
    expected: ExpectedVersion,
    events: Array<NewEvent & { id: string }>,
  ): Promise<AppendResult> {
    const stored = await this.run<EventRow & { version: string | null }>('stored_ids', this.sql.storedIds, [
      streamId,
      events.map((e) => e.id),
    ]);
    const byId = new Map(stored.rows.map((r) => [r.event_id, toRecorded(r)]));
    const clash = events.find((e) => byId.has(e.id) && !isSameEvent(byId.get(e.id)!, streamId, e));
    if (clash) throw new DuplicateEventIdError(streamId, clash.id);
    if (byId.size === events.length) {
      const found = [...byId.values()];
      return {
        nextExpectedVersion: Math.max(...found.map((e) => e.streamPosition)),
        lastGlobalPosition: Math.max(...found.map((e) => e.globalPosition)),
        idempotentReplay: true,
      };
    }
    const version = stored.rows[0]?.version ?? (await this.readVersion(streamId))?.version ?? null;
    throw new WrongExpectedVersionError(streamId, expected, version === null ? 'no_stream' : Number(version));
  }

  private async readVersion(streamId: string): Promise<{ version: number; lastPosition: number } | null> {
    const result = await this.run<{ version: string; last_position: string | null }>('version', this.sql.version, [
      streamId,
    ]);
    if (result.rows.length === 0) return null;
    return { version: Number(result.rows[0].version), lastPosition: Number(result.rows[0].last_position ?? 0) };
  }

  /** An empty append writes nothing but still checks the expected version. */
  private async appendNothing(streamId: string, expected: ExpectedVersion): Promise<AppendResult> {
    const current = await this.readVersion(streamId);
    const version = current?.version ?? 0;
    const ok =
      expected === 'any' ||
      (expected === 'no_stream' && current === null) ||
      (expected === 'stream_exists' && current !== null) ||
      expected === version;
    if (!ok) throw new WrongExpectedVersionError(streamId, expected, current === null ? 'no_stream' : version);
    return { nextExpectedVersion: version, lastGlobalPosition: current?.lastPosition ?? 0, idempotentReplay: false };
  }
}

import {
  BACKWARDS,
  END,
  FORWARDS,
  KurrentDBClient,
  NO_STREAM as KDB_NO_STREAM,
  STREAM_EXISTS as KDB_STREAM_EXISTS,
  ANY as KDB_ANY,
  StreamNotFoundError,
  WrongExpectedVersionError as KurrentWrongExpectedVersionError,
  jsonEvent,
  type AllStreamResolvedEvent,
  type AppendStreamState,
  type Filter,
  type ResolvedEvent,
} from '@kurrent/kurrentdb-client';
import { randomUUID } from 'node:crypto';
import {
  DuplicateEventIdError,
  EventStoreUnavailableError,
  WrongExpectedVersionError,
  type AppendOptions,
  type AppendResult,
  type DomainEvent,
  type EventMetadata,
  type EventStore,
  type ExpectedVersion,
  type JsonObject,
  type NewEvent,
  type ReadAllOptions,
  type ReadAllResult,
  type ReadStreamOptions,
  type ReadStreamResult,
  type RecordedEvent,
  type SubscribeOptions,
  type Subscription,
} from '../event-store.port';
import { silentLogger, type EventStoreLogger } from '../event-store.logger';
import { isSameEvent } from '../same-event';
import { fromCommit, KurrentCatchUpSubscription } from './kurrentdb-subscription';
import { ourStreamsFilter } from './kurrentdb-stream-filter';

export interface KurrentDbEventStoreOptions {
  /** e.g. kurrentdb://localhost:2113?tls=false */
  connectionString: string;
  /**
   * Our streams in $all (the stream registry's prefixes); everything else there (system streams, other apps)
   * is skipped. Required: a stream type left out here would silently never be projected.
   */
  streamPrefixes: readonly string[];
  logger?: EventStoreLogger;
}

type KurrentRecorded = NonNullable<ResolvedEvent['event']>;

const UNAVAILABLE_TYPES = new Set(['unavailable', 'deadline-exceeded', 'timeout', 'not-leader', 'cancelled']);

function toStoreError(error: unknown, operation: string): unknown {
  if (error instanceof EventStoreUnavailableError || error instanceof WrongExpectedVersionError) return error;
  const type = (error as { type?: unknown }).type;
  if (typeof type === 'string' && UNAVAILABLE_TYPES.has(type)) {
    return new EventStoreUnavailableError(`KurrentDB unavailable during ${operation}`, error);
  }
  return error;
}

/** Our version n (events in the stream) is KurrentDB revision n-1 (of the last event). */
function toStreamState(expected: ExpectedVersion): AppendStreamState {
  if (expected === 'any') return KDB_ANY;
  if (expected === 'no_stream' || expected === 0) return KDB_NO_STREAM;
  if (expected === 'stream_exists') return KDB_STREAM_EXISTS;
  if (!Number.isSafeInteger(expected) || expected < 0) {
    throw new RangeError(`Expected version must be a non-negative integer, got ${String(expected)}`);
  }
  return BigInt(expected - 1);
}

/**
 * The production adapter on KurrentDB (EventStoreDB's successor). The global position is the
 * commit position of the event in the transaction log (sparse, strictly increasing).
 */
export class KurrentDbEventStore implements EventStore {
  readonly kind = 'kurrentdb';
  private readonly client: KurrentDBClient;
  private readonly logger: EventStoreLogger;
  /** The stream-name prefixes its $all reads and subscriptions are filtered to. */
  readonly prefixes: string[];
  /** The server-side filter of its $all reads and subscriptions (unless a call names its own prefixes). */
  readonly streamFilter: Filter;
  private readonly subscriptions = new Set<Subscription>();

  constructor(options: KurrentDbEventStoreOptions) {
    this.client = KurrentDBClient.connectionString(options.connectionString);
    this.logger = options.logger ?? silentLogger;
    if (options.streamPrefixes.length === 0) throw new RangeError('KurrentDB adapter needs the stream prefixes');
    this.prefixes = [...new Set(options.streamPrefixes)];
    this.streamFilter = ourStreamsFilter(this.prefixes);
  }

  async appendToStream<E extends DomainEvent>(
    streamId: string,
    events: NewEvent<E>[],
    options: AppendOptions = {},
  ): Promise<AppendResult> {
    const expected = options.expectedVersion ?? 'any';
    const streamState = toStreamState(expected);
    const data = events.map((e) =>
      jsonEvent({
        id: e.id ?? randomUUID(),
        type: e.type,
        data: e.data as JsonObject,
        metadata: (e.metadata ?? {}) as JsonObject,
      }),
    );
    if (data.length === 0) return this.appendNothing(streamId, expected);
    try {
      const result = await this.client.appendToStream(streamId, data, { streamState });
      // KurrentDB takes known ids as a retry and writes nothing, whatever the content: check that what is
      // stored there is what we meant to write (only ids we chose can be known; random ones are new).
      if (events.every((e) => e.id)) {
        const first = Number(result.nextExpectedRevision) + 1 - data.length;
        await this.storedEvents(streamId, first, data.length).then((found) => this.assertSame(streamId, found, events));
      }
      return {
        nextExpectedVersion: Number(result.nextExpectedRevision) + 1,
        lastGlobalPosition: Number(result.position?.commit ?? 0n),
        // KurrentDB answers an exact retry with success and writes nothing; it does not say so.
        idempotentReplay: false,
      };
    } catch (error) {
      if (error instanceof KurrentWrongExpectedVersionError) {
        const replay = await this.storedReplay(
          streamId,
          expected,
          events.map((e, i) => ({ ...e, id: data[i]!.id })),
        );
        if (replay) return replay;
        const actual = error.actualState;
        throw new WrongExpectedVersionError(
          streamId,
          expected,
          typeof actual === 'bigint' && actual >= 0n ? Number(actual) + 1 : 'no_stream',
        );
      }
      throw toStoreError(error, 'append');
    }
  }

  async readStream<E extends DomainEvent = DomainEvent>(
    streamId: string,
    options: ReadStreamOptions = {},
  ): Promise<ReadStreamResult<E>> {
    const from = Math.max(1, options.from ?? 1);
    const to = options.to;
    try {
      const currentVersion = await this.streamVersion(streamId);
      if (currentVersion === 0) return { streamExists: false, currentVersion: 0, events: [] };
      const events: RecordedEvent<E>[] = [];
      if (to === undefined || to >= from) {
        const read = this.client.readStream(streamId, {
          fromRevision: BigInt(from - 1),
          direction: FORWARDS,
          ...(to !== undefined ? { maxCount: to - from + 1 } : {}),
        });
        for await (const resolved of read) {
          const event = resolved.event;
          if (!event) continue;
          if (options.recordedAtOrBefore && event.created > options.recordedAtOrBefore) break;
          events.push(this.toRecorded<E>(event));
        }
      }
      return { streamExists: true, currentVersion, events };
    } catch (error) {
      if (error instanceof StreamNotFoundError) return { streamExists: false, currentVersion: 0, events: [] };
      throw toStoreError(error, 'read stream');
    }
  }

  async readAll(options: ReadAllOptions = {}): Promise<ReadAllResult> {
    const after = options.after ?? 0;
    const maxCount = Math.max(1, options.maxCount ?? 1000);
    const types = options.types && options.types.length > 0 ? new Set(options.types) : undefined;
    const { prefixes, filter } = this.filterFor(options.streamPrefixes);
    const events: RecordedEvent[] = [];
    let scanned = after;
    let isEnd = true;
    try {
      const read = this.client.readAll({
        fromPosition: fromCommit(after),
        direction: FORWARDS,
        filter,
      });
      for await (const resolved of read) {
        const recorded = this.accept(resolved, after, prefixes, types);
        if (resolved.event) scanned = Math.max(scanned, Number(resolved.event.position.commit));
        if (!recorded) continue;
        events.push(recorded);
        if (events.length >= maxCount) {
          isEnd = false;
          break; // leaving the loop cancels the read
        }
      }
    } catch (error) {
      throw toStoreError(error, 'read all');
    }
    const lastPosition = events.length > 0 ? events[events.length - 1].globalPosition : after;
    return { events, lastPosition, isEnd, scannedPosition: isEnd ? scanned : lastPosition };
  }

  subscribe(options: SubscribeOptions): Subscription {
    const subscription = new KurrentCatchUpSubscription(this.client, options, {
      ...this.filterFor(options.streamPrefixes),
      accept: (resolved, after, prefixes, types) => this.accept(resolved, after, prefixes, types),
      logger: this.logger,
    });
    this.subscriptions.add(subscription);
    return {
      caughtUp: subscription.caughtUp,
      stop: async () => {
        await subscription.stop();
        this.subscriptions.delete(subscription);
      },
    };
  }

  async headPosition(): Promise<number> {
    try {
      const read = this.client.readAll({
        fromPosition: END,
        direction: BACKWARDS,
        maxCount: 1,
        filter: this.streamFilter,
      });
      for await (const resolved of read) {
        if (resolved.event) return Number(resolved.event.position.commit);
      }
      return 0;
    } catch (error) {
      throw toStoreError(error, 'head position');
    }
  }

  async ping(): Promise<void> {
    try {
      const read = this.client.readAll({ fromPosition: END, direction: BACKWARDS, maxCount: 1 });
      for await (const resolved of read) void resolved;
    } catch (error) {
      throw toStoreError(error, 'ping');
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.subscriptions].map((s) => s.stop()));
    this.subscriptions.clear();
    await this.client.dispose();
  }

  /** A call's own prefixes (the contract suite's test streams), else ours. */
  private filterFor(callPrefixes: string[] | undefined): { prefixes: string[]; filter: Filter } {
    if (!callPrefixes || callPrefixes.length === 0) return { prefixes: this.prefixes, filter: this.streamFilter };
    return { prefixes: callPrefixes, filter: ourStreamsFilter(callPrefixes) };
  }

  private toRecorded<E extends DomainEvent>(event: KurrentRecorded): RecordedEvent<E> {
    return {
      eventId: event.id,
      streamId: event.streamId,
      streamPosition: Number(event.revision) + 1,
      globalPosition: Number(event.position?.commit ?? 0n),
      type: event.type as E['type'],
      data: (event.isJson ? event.data : {}) as E['data'],
      metadata: (event.metadata && !(event.metadata instanceof Uint8Array) ? event.metadata : {}) as EventMetadata,
      recordedAt: event.created,
    };
  }

  /** One of our events, strictly after the checkpoint, matching the filters; else undefined. */
  private accept(
    resolved: AllStreamResolvedEvent,
    after: number,
    prefixes: string[],
    types?: Set<string>,
  ): RecordedEvent | undefined {
    const event = resolved.event;
    if (!event || event.type.startsWith('$') || event.streamId.startsWith('$')) return undefined;
    if (Number(event.position.commit) <= after) return undefined; // reads start at the checkpoint inclusive
    if (!prefixes.some((p) => event.streamId.startsWith(p))) return undefined;
    if (types && !types.has(event.type)) return undefined;
    return this.toRecorded(event);
  }

  private async streamVersion(streamId: string): Promise<number> {
    try {
      const read = this.client.readStream(streamId, { fromRevision: END, direction: BACKWARDS, maxCount: 1 });
      for await (const resolved of read) {
        if (resolved.event) return Number(resolved.event.revision) + 1;
      }
      return 0;
    } catch (error) {
      if (error instanceof StreamNotFoundError) return 0;
      throw error;
    }
  }

  /** After a conflict: were exactly these events already stored where this append would have put them? */
  private async storedReplay(
    streamId: string,
    expected: ExpectedVersion,
    events: NewEvent[],
  ): Promise<AppendResult | undefined> {
    const start = typeof expected === 'number' ? expected : expected === 'no_stream' ? 0 : undefined;
    if (start === undefined) return undefined;
    const found = await this.storedEvents(streamId, start, events.length);
    if (!this.assertSame(streamId, found, events)) return undefined;
    const last = found[found.length - 1]!;
    return {
      nextExpectedVersion: last.streamPosition,
      lastGlobalPosition: last.globalPosition,
      idempotentReplay: true,
    };
  }

  /** `count` events of the stream from 0-based revision `from` (fewer when the stream is shorter). */
  private async storedEvents(streamId: string, from: number, count: number): Promise<RecordedEvent[]> {
    const found: RecordedEvent[] = [];
    if (from < 0) return found;
    try {
      const read = this.client.readStream(streamId, {
        fromRevision: BigInt(from),
        direction: FORWARDS,
        maxCount: count,
      });
      for await (const resolved of read) if (resolved.event) found.push(this.toRecorded(resolved.event));
    } catch (error) {
      if (error instanceof StreamNotFoundError) return found;
      throw toStoreError(error, 'append');
    }
    return found;
  }

  /**
   * True when `found` holds exactly `events` (ids, in order, same content); false when the ids are not
   * there; a DuplicateEventIdError when an id is there with other content (never a replay).
   */
  private assertSame(streamId: string, found: RecordedEvent[], events: NewEvent[]): boolean {
    if (found.length !== events.length || found.some((e, i) => e.eventId !== events[i]!.id)) return false;
    const clash = events.find((e, i) => !isSameEvent(found[i]!, streamId, e));
    if (clash) throw new DuplicateEventIdError(streamId, clash.id!);
    return true;
  }

  private async appendNothing(streamId: string, expected: ExpectedVersion): Promise<AppendResult> {
    const version = await this.streamVersion(streamId).catch((error: unknown) => {
      throw toStoreError(error, 'append');
    });
    const ok =
      expected === 'any' ||
      (expected === 'no_stream' && version === 0) ||
      (expected === 'stream_exists' && version > 0) ||
      expected === version;
    if (!ok) throw new WrongExpectedVersionError(streamId, expected, version === 0 ? 'no_stream' : version);
    return { nextExpectedVersion: version, lastGlobalPosition: 0, idempotentReplay: false };
  }
}

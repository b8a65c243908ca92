/**
 * The event-store port: the only way the application reads and writes events.
 * Shaped like Emmett's EventStore, kept narrow so that PostgreSQL, embedded PostgreSQL and
 * KurrentDB adapters can all honour the same contract (test/event-store/*.contract.ts).
 *
 * Versions: a stream's version is the number of events in it (0 = empty / no stream).
 * Each recorded event has a 1-based `streamPosition` within its stream and a `globalPosition`
 * that orders all events of the store (strictly increasing for readers; gaps are allowed).
 */

export type JsonObject = { [key: string]: unknown };

/** Metadata recorded with every event: who caused it, in which request, under which policy. */
export interface EventMetadata {
  correlationId?: string;
  causationId?: string;
  requestId?: string;
  userId?: string;
  upn?: string;
  tenantId?: string;
  policyVersion?: string;
  [key: string]: unknown;
}

/** An event as the domain produces it: a discriminated union member on `type`. */
export interface DomainEvent<TType extends string = string, TData extends JsonObject = JsonObject> {
  type: TType;
  data: TData;
}

/** An event about to be appended. `id` is optional; pass a deterministic one for idempotent retries. */
export interface NewEvent<E extends DomainEvent = DomainEvent> {
  id?: string;
  type: E['type'];
  data: E['data'];
  metadata?: EventMetadata;
}

/** An event as the store recorded it. */
export interface RecordedEvent<E extends DomainEvent = DomainEvent> {
  eventId: string;
  streamId: string;
  /** 1-based position of the event within its stream. */
  streamPosition: number;
  /** Position in the store-wide order. */
  globalPosition: number;
  type: E['type'];
  data: E['data'];
  metadata: EventMetadata;
  recordedAt: Date;
}

/**
 * Expected version of the stream before the append:
 * - 'no_stream': the stream must not exist yet;
 * - 'stream_exists': it must exist (any version);
 * - 'any': no check;
 * - a number: the stream's exact current version (number of events in it).
 */
export type ExpectedVersion = 'no_stream' | 'stream_exists' | 'any' | number;

export const NO_STREAM = 'no_stream' as const;
export const STREAM_EXISTS = 'stream_exists' as const;
export const ANY = 'any' as const;

export interface AppendOptions {
  expectedVersion?: ExpectedVersion;
}

export interface AppendResult {
  /** The stream's version after the append (pass it as the next expected version). */
  nextExpectedVersion: number;
  /** Global position of the last event written (or of the already-stored duplicate). */
  lastGlobalPosition: number;
  /** True when every event id was already stored: a retried append that changed nothing. */
  idempotentReplay: boolean;
}

export interface ReadStreamOptions {
  /** First stream position to return (1-based, inclusive). Default 1. */
  from?: number;
  /** Last stream position to return (inclusive). */
  to?: number;
  /** Only events recorded at or before this instant (time travel). */
  recordedAtOrBefore?: Date;
}

export interface ReadStreamResult<E extends DomainEvent = DomainEvent> {
  streamExists: boolean;
  /** Current version of the whole stream (not just of the returned slice). */
  currentVersion: number;
  events: RecordedEvent<E>[];
}

export interface ReadAllOptions {
  /** Exclusive global position to read after. Default: from the start. */
  after?: number;
  /** Batch size. Default 1000. */
  maxCount?: number;
  /** Only these event types. */
  types?: string[];
  /** Only streams whose id starts with one of these prefixes. */
  streamPrefixes?: string[];
}

export interface ReadAllResult {
  events: RecordedEvent[];
  /** Position to pass as `after` for the next batch (last event read, or `after` if none). */
  lastPosition: number;
  /** True when the batch reached what is currently safe to read. */
  isEnd: boolean;
  /**
   * Optional: the position this read has scanned through, which can be beyond `lastPosition`
   * when filters skipped events. Safe to resume after; followers use it so that a filtered
   * subscription does not rescan skipped events on every wake-up.
   */
  scannedPosition?: number;
  /**
   * Optional: true when events are committed past what this read could return, held back behind a transaction
   * that is still open (gap safety). They become readable when it ends, with no new append to announce them, so a
   * follower should look again soon rather than wait for the next wake-up.
   */
  heldBack?: boolean;
}

export interface SubscribeOptions {
  /** Exclusive checkpoint to start after. Undefined = from the start. */
  after?: number;
  /** Batch size for catch-up reads. */
  batchSize?: number;
  types?: string[];
  streamPrefixes?: string[];
  /**
   * Called with batches, in global order, each event exactly once per subscription.
   * The next batch is not delivered until the promise resolves. A rejection stops the subscription
   * and is reported through `onError`.
   */
  handler: (events: RecordedEvent[]) => Promise<void>;
  onError?: (error: unknown) => void;
  /** Called once the subscription has caught up with the store and is following live. */
  onCaughtUp?: (position: number) => void;
}

export interface Subscription {
  /** Stops following; resolves once the current batch (if any) has been handled. */
  stop(): Promise<void>;
  /** Resolves when the subscription first catches up. */
  readonly caughtUp: Promise<void>;
}

export interface EventStore {
  /** A short name for health reports and logs: 'postgresql', 'embedded', 'kurrentdb'. */
  readonly kind: string;
  appendToStream<E extends DomainEvent>(
    streamId: string,
    events: NewEvent<E>[],
    options?: AppendOptions,
  ): Promise<AppendResult>;
  readStream<E extends DomainEvent = DomainEvent>(
    streamId: string,
    options?: ReadStreamOptions,
  ): Promise<ReadStreamResult<E>>;
  readAll(options?: ReadAllOptions): Promise<ReadAllResult>;
  subscribe(options: SubscribeOptions): Subscription;
  /** Highest global position currently safe to read (for health and lag metrics). */
  headPosition(): Promise<number>;
  /** Cheap liveness probe for /health/ready. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** Injection token for Nest modules. */
export const EVENT_STORE = Symbol('EVENT_STORE');

/** The expected version did not match: the HTTP layer maps it to 409. */
export class WrongExpectedVersionError extends Error {
  readonly code = 'concurrency_conflict';
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedVersion,
    readonly actual: number | 'no_stream',
  ) {
    super(`Stream ${streamId}: expected version ${String(expected)}, actual ${String(actual)}`);
    this.name = 'WrongExpectedVersionError';
  }
}

/** The store could not be reached or failed transiently: the HTTP layer maps it to 503 + Retry-After. */
export class EventStoreUnavailableError extends Error {
  readonly code = 'event_store_unavailable';
  constructor(
    message: string,
    override readonly cause?: unknown,
  ) {
    super(message);
    this.name = 'EventStoreUnavailableError';
  }
}

/**
 * An event id of the append is already stored, but the stored event is not the one this append would write
 * (another stream, type, data or caller): never a replay. The HTTP layer maps it to 409 (duck-typed `kind`).
 */
export class DuplicateEventIdError extends Error {
  readonly code = 'event_id_conflict';
  readonly kind = 'conflict';
  readonly detail = 'This request collides with an event already recorded by another request; send a new MS-RequestId.';
  constructor(
    readonly streamId: string,
    readonly eventId: string,
  ) {
    super(`Stream ${streamId}: event id ${eventId} is already stored with other content`);
    this.name = 'DuplicateEventIdError';
  }
}

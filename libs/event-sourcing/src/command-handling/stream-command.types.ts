import type { DomainEvent, EventMetadata } from '@csp/event-store';
import type { Recorded } from '../projections/sql/recorded';

/** An event as a decider produces it. */
export interface DecidedEvent {
  type: string;
  data: object;
}

/**
 * A stream as read and folded: its state, its revision (number of events) and its recorded events, typed as the
 * event union of its stream type (checking `type` narrows `data`).
 */
export interface LoadedStream<S, E extends DomainEvent = DomainEvent> {
  state: S;
  version: number;
  events: Recorded<E>[];
}

/** How one command is carried out on its stream; every option keeps a guarantee some caller relies on. */
export interface StreamCommandOptions<S> {
  /** Metadata over the current request's (workers name their own causation, user and tenant). */
  metadata?: Partial<EventMetadata>;
  /**
   * The stream id is new (a fresh entity id): decide on the initial state without reading the stream first,
   * one round trip less. If the stream exists after all (a retried request), the append conflicts and the
   * command goes the usual way: read, recognise the retry, answer with the first result.
   */
  expectNewStream?: boolean;
  /**
   * The stream as the caller has just read it (the order access check): the first attempt decides on it
   * instead of reading it again. The append still names its version, so a writer in between is a
   * conflict, and the retry reads afresh.
   */
  loaded?: LoadedStream<S>;
  /** Attempts before a version conflict is given up (default 8): a hot stream's racers may need more. */
  maxAttempts?: number;
  /**
   * A server-chosen id of this one command, for commands the caller's MS-RequestId must not deduplicate
   * (anonymous downloads): event ids derive from it, fixed across conflict retries, and only events
   * with those ids count as already done.
   */
  commandId?: string;
  /**
   * Optimistic concurrency for callers (If-Match): decide only on this revision of the stream, else
   * 412. A retried request already carried out still answers with its first result.
   */
  expectedRevision?: number;
  /**
   * Decide and append on every call, retries included (key reveals: every key shown is recorded), with
   * fresh event ids; a retry is then told apart by the caller (the idempotency layer), not here.
   */
  decideEveryTime?: boolean;
  /** Runs once the command is decided and before its events are appended; a rejection appends nothing. */
  beforeAppend?: () => Promise<unknown> | undefined;
}

export interface StreamCommandResult<E, S> {
  /** The events this command appended (empty when the decider decided nothing; the first ones when replayed). */
  events: E[];
  /** The state after them. */
  state: S;
  /** Global position of the last event written: the read-your-writes token for the caller. */
  position?: number;
  /** True when the request had already been carried out and nothing new was appended. */
  replayed?: boolean;
  /** The whole stream after the command (what was read plus what was appended), for building a response. */
  streamEvents: E[];
  /** The stream's revision after the command (its ETag). */
  version: number;
}

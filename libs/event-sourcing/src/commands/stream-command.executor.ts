import { Inject, Injectable } from '@nestjs/common';
import {
  deriveEventId,
  DuplicateEventIdError,
  EventIdScope,
  EVENT_STORE,
  EventMetadata,
  EventStore,
  NewEvent,
  RecordedEvent,
  WrongExpectedVersionError,
} from '@csp/event-store';
import { createDomainContext, Decider, DomainContext, DomainData, foldEvents } from '@csp/domain';
import { ProblemException } from '@csp/platform';
import { CLOCK, Clock } from '../clock/clock.port';
import { DOMAIN_DATA } from '../domain-data/domain-data.provider';
import { commandMetadata } from './command-metadata';

type AnyEvent = { type: string; data: Record<string, unknown> };

export interface StreamCommandResult<S> {
  /** The events this command appended (empty when the decider decided nothing). */
  events: AnyEvent[];
  /** The state after them. */
  state: S;
  /** Global position of the last event written: the read-your-writes token for the caller. */
  position?: number;
  /** True when the request had already been carried out and nothing new was appended. */
  replayed?: boolean;
  /** The whole stream after the command (what was read plus what was appended), for building a response. */
  streamEvents: AnyEvent[];
  /** The stream's revision after the command (its ETag). */
  version: number;
}

export interface LoadedStream<S> {
  state: S;
  version: number;
  events: RecordedEvent[];
}

/**
 * The one way a command changes the world: load the stream, fold it, decide, append with the version it
 * was decided on. A concurrent writer makes the append fail with a version conflict; the command is then
 * decided again on the fresher state (a few times), so racing reveals both succeed while racing
 * cancellations leave exactly one winner and `already_cancelled` for the rest.
 * Event ids derive from the caller, the request id and the command, so a retried request appends nothing twice
 * and another caller's request with the same id can never pass for it.
 */
@Injectable()
export class StreamCommandExecutor {
  private static readonly MAX_ATTEMPTS = 8;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(DOMAIN_DATA) private readonly data: DomainData,
  ) {}

  context(): DomainContext {
    return createDomainContext(this.data, this.clock.now());
  }

  async load<C, E extends AnyEvent, S>(streamId: string, decider: Decider<C, E, S>): Promise<LoadedStream<S>> {
    const read = await this.store.readStream(streamId);
    const state = foldEvents(decider.evolve, decider.initialState(), read.events as unknown as E[]);
    return { state, version: read.currentVersion, events: read.events };
  }

  async execute<C, E extends AnyEvent, S>(
    streamId: string,
    decider: Decider<C, E, S>,
    command: C | ((state: S, context: DomainContext) => C),
    options: {
      metadata?: Partial<EventMetadata>;
      mustExist?: boolean;
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
      /** Version conflicts to absorb before giving up (default 8): a hot stream's racers may need more. */
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
    } = {},
  ): Promise<StreamCommandResult<S>> {
    const maxAttempts = options.maxAttempts ?? StreamCommandExecutor.MAX_ATTEMPTS;
    let duplicateSeen = false;
    for (let attempt = 1; ; attempt++) {
      const loaded: LoadedStream<S> =
        attempt === 1 && options.expectNewStream
          ? { state: decider.initialState(), version: 0, events: [] }
          : attempt === 1 && options.loaded
            ? options.loaded
            : await this.load(streamId, decider);
      const context = this.context();
      const cmd =
        typeof command === 'function' ? (command as (s: S, c: DomainContext) => C)(loaded.state, context) : command;
      const commandName = (cmd as { type?: unknown }).type;
      const metadata = commandMetadata({
        ...options.metadata,
        command: typeof commandName === 'string' ? commandName : undefined,
      });
      // A retried request whose events are already in the stream (say the response was lost): answer
      // with what it did the first time instead of deciding again. Only the same caller's same command is
      // that request; its id on another command is a reuse, never "already done".
      const scope = idScope(metadata, options.commandId);
      const earlier = options.commandId
        ? eventsOfCommand(loaded.events, scope!, streamId)
        : metadata.requestId
          ? loaded.events.filter(
              (e) =>
                e.metadata.requestId === metadata.requestId &&
                e.metadata.userId === metadata.userId &&
                e.metadata.tenantId === metadata.tenantId,
            )
          : [];
      if (earlier.some((e) => e.metadata.command !== undefined && e.metadata.command !== metadata.command))
        throw requestIdReused(earlier[0]!);
      const read: AnyEvent[] = loaded.events.map((e) => ({ type: e.type, data: e.data }));
      if (earlier.length > 0 && !options.decideEveryTime) {
        return {
          streamEvents: read,
          events: earlier.map((e) => ({ type: e.type, data: e.data })),
          state: loaded.state,
          position: earlier[earlier.length - 1].globalPosition,
          replayed: true,
          version: loaded.version,
        };
      }
      if (options.expectedRevision !== undefined && options.expectedRevision !== loaded.version)
        throw stale(options.expectedRevision, loaded.version);
      const decided = decider.decide(cmd, loaded.state, context);
      if (decided.length === 0) return { events: [], state: loaded.state, streamEvents: read, version: loaded.version };
      const idOf = scope && !options.decideEveryTime ? scope : undefined;
      const events: NewEvent[] = decided.map((e, index) => ({
        id: idOf ? deriveEventId(idOf, streamId, index) : undefined,
        type: e.type,
        data: e.data,
        metadata: { ...metadata, ...(policyVersionOf(e) ? { policyVersion: policyVersionOf(e) } : {}) },
      }));
      await options.beforeAppend?.();
      try {
        const result = await this.store.appendToStream(streamId, events, {
          expectedVersion: loaded.version === 0 ? 'no_stream' : loaded.version,
        });
        const state = decided.reduce(decider.evolve, loaded.state);
        return {
          events: decided,
          state,
          position: result.lastGlobalPosition,
          streamEvents: [...read, ...decided],
          version: loaded.version + decided.length,
        };
      } catch (error) {
        if (error instanceof WrongExpectedVersionError && attempt === 1 && options.expectNewStream) continue;
        // Our ids are stored with other content: once more from the stream, where a retry of this very
        // command is recognised above; anything else stays a conflict (409), never success.
        if (error instanceof DuplicateEventIdError && !duplicateSeen) {
          duplicateSeen = true;
          continue;
        }
        if (error instanceof WrongExpectedVersionError && attempt < maxAttempts) {
          // Racers that lost retry after a short, growing, jittered pause so they do not collide again.
          await sleep(Math.random() * 5 * Math.min(attempt, 10));
          continue;
        }
        throw error;
      }
    }
  }
}

/** Whose command the event ids belong to: the caller's request id, or a server-chosen command id. */
function idScope(m: EventMetadata, commandId: string | undefined): EventIdScope | undefined {
  const requestId = commandId ? `command:${commandId}` : m.requestId;
  if (!requestId) return undefined;
  return { requestId, tenantId: m.tenantId ?? '-', userId: m.userId ?? '-', command: String(m.command ?? '-') };
}

function requestIdReused(first: RecordedEvent): ProblemException {
  return new ProblemException(
    422,
    'request_id_reused',
    `This MS-RequestId was already used by you for another command (${String(first.metadata.command)}, at ${first.recordedAt.toISOString()}); send a new MS-RequestId for a new request.`,
    { extensions: { firstUse: { command: first.metadata.command, at: first.recordedAt.toISOString() } } },
  );
}

/** The events a command with this id scope appended (ids `deriveEventId(scope, streamId, 0..n)`), if any. */
function eventsOfCommand(events: RecordedEvent[], scope: EventIdScope, streamId: string): RecordedEvent[] {
  const start = events.findIndex((e) => e.eventId === deriveEventId(scope, streamId, 0));
  if (start < 0) return [];
  let end = start + 1;
  while (end < events.length && events[end].eventId === deriveEventId(scope, streamId, end - start)) end++;
  return events.slice(start, end);
}

function stale(expected: number, current: number): ProblemException {
  return new ProblemException(
    412,
    'precondition_failed',
    `If-Match names revision ${expected}, but the resource is at revision ${current}: read it again and retry`,
    { headers: { ETag: `"${current}"` } },
  );
}

function policyVersionOf(event: AnyEvent): string | undefined {
  const v = event.data['policyVersion'];
  return typeof v === 'string' ? v : undefined;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

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
import { ProblemException } from '@csp/platform';
import { createDomainContext, Decider, DomainContext, DomainData, foldEvents } from '@csp/domain';
import { CLOCK, Clock } from '../ports/clock.port';
import { DOMAIN_DATA } from './domain-data.provider';
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
       * Decide and append on every call, retries included (key reveals: every key shown is recorded), with
       * fresh event ids; a retry is then told apart by the caller (the idempotency layer), not here.
       */
      decideEveryTime?: boolean;
      /** Runs once the command is decided and before its events are appended; a rejection appends nothing. */
      beforeAppend?: () => Promise<unknown> | undefined;
    } = {},
  ): Promise<StreamCommandResult<S>> {
    let duplicateSeen = false;
    for (let attempt = 1; ; attempt++) {
      const loaded: LoadedStream<S> =
        attempt === 1 && options.expectNewStream
          ? { state: decider.initialState(), version: 0, events: [] }
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
      const earlier = metadata.requestId
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
        };
      }
      const decided = decider.decide(cmd, loaded.state, context);
      if (decided.length === 0) return { events: [], state: loaded.state, streamEvents: read };
      const scope = metadata.requestId && !options.decideEveryTime ? idScope(metadata) : undefined;
      const events: NewEvent[] = decided.map((e, index) => ({
        id: scope ? deriveEventId(scope, streamId, index) : undefined,
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
        return { events: decided, state, position: result.lastGlobalPosition, streamEvents: [...read, ...decided] };
      } catch (error) {
        if (error instanceof WrongExpectedVersionError && attempt === 1 && options.expectNewStream) continue;
        // Our ids are stored with other content: once more from the stream, where a retry of this very
        // command is recognised above; anything else stays a conflict (409), never success.
        if (error instanceof DuplicateEventIdError && !duplicateSeen) {
          duplicateSeen = true;
          continue;
        }
        if (error instanceof WrongExpectedVersionError && attempt < StreamCommandExecutor.MAX_ATTEMPTS) {
          // Racers that lost retry after a short, growing, jittered pause so they do not collide again.
          await sleep(Math.random() * 5 * attempt);
          continue;
        }
        throw error;
      }
    }
  }
}

function idScope(m: EventMetadata): EventIdScope {
  return {
    requestId: m.requestId!,
    tenantId: m.tenantId ?? '-',
    userId: m.userId ?? '-',
    command: String(m.command ?? '-'),
  };
}

function requestIdReused(first: RecordedEvent): ProblemException {
  return new ProblemException(
    422,
    'request_id_reused',
    `This MS-RequestId was already used by you for another command (${String(first.metadata.command)}, at ${first.recordedAt.toISOString()}); send a new MS-RequestId for a new request.`,
    { extensions: { firstUse: { command: first.metadata.command, at: first.recordedAt.toISOString() } } },
  );
}

function policyVersionOf(event: AnyEvent): string | undefined {
  const v = event.data['policyVersion'];
  return typeof v === 'string' ? v : undefined;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

import {
  deriveEventId,
  type DomainEvent,
  DuplicateEventIdError,
  type EventIdScope,
  type EventMetadata,
  type EventStore,
  type NewEvent,
  type RecordedEvent,
  WrongExpectedVersionError,
} from '@csp/event-store';
import {
  type Decider,
  deciderOf,
  type DomainContext,
  foldEvents,
  type CommandOfStream,
  type EventOfStream,
  streamIdOf,
  type StateOfStream,
  type StreamType,
} from '@csp/domain';
import type { Recorded } from '../projections/sql/recorded';
import { requestIdReused, staleRevision } from './stream-command.errors';
import type { DecidedEvent, LoadedStream, StreamCommandOptions, StreamCommandResult } from './stream-command.types';

/** What carrying out a command needs from its host: the store port, the decision context, the request's metadata. */
export interface CommandHandlingEnv {
  readonly store: EventStore;
  /** The domain data and the current instant a command is decided in. */
  context(): DomainContext;
  /** The event metadata of the current request, with `extra` over it. */
  metadata(extra: Partial<EventMetadata>): EventMetadata;
  /** The pause before conflict retry `attempt` (default: short, growing, jittered). */
  pause?(attempt: number): Promise<void>;
}

/** Attempts a command gets against version conflicts unless it says otherwise. */
export const DEFAULT_MAX_ATTEMPTS = 8;

/**
 * The one way a command changes the world: resolve its stream and decider from the stream registry, then
 * load, decide and append with the revision it was decided on (see `decideOnStream`).
 */
export function handleStreamCommand<T extends StreamType>(
  env: CommandHandlingEnv,
  streamType: T,
  id: string,
  command: CommandOfStream<T>,
  options: StreamCommandOptions<StateOfStream<T>> = {},
): Promise<StreamCommandResult<EventOfStream<T>, StateOfStream<T>>> {
  return decideOnStream(env, streamIdOf(streamType, id), deciderOf(streamType), command, options);
}

/** Reads a stream of a registered type and folds it with that type's decider. */
export function loadStream<T extends StreamType>(
  env: Pick<CommandHandlingEnv, 'store'>,
  streamType: T,
  id: string,
): Promise<LoadedStream<StateOfStream<T>, EventOfStream<T>>> {
  return readAndFold(env.store, streamIdOf(streamType, id), deciderOf(streamType));
}

/**
 * Reads a stream and folds it: its state, revision and recorded events. The one place a stream's recorded events
 * become its decider's union: a stream holds the events of the decider its type is declared with.
 */
export async function readAndFold<E extends DomainEvent, S>(
  store: EventStore,
  streamId: string,
  decider: Pick<Decider<unknown, E, S>, 'evolve' | 'initialState'>,
): Promise<LoadedStream<S, E>> {
  const read = await store.readStream(streamId);
  const events = read.events as Recorded<E>[];
  const state = foldEvents(decider.evolve, decider.initialState(), events as unknown as E[]);
  return { state, version: read.currentVersion, events };
}

/**
 * Load the stream, fold it, decide, append with the version it was decided on. A concurrent writer makes the
 * append fail with a version conflict; the command is then decided again on the fresher state (a bounded number
 * of times), so racing reveals both succeed while racing cancellations leave exactly one winner and
 * `already_cancelled` for the rest. Event ids derive from the caller, the request id and the command, so a
 * retried request appends nothing twice and another caller's request with the same id can never pass for it.
 */
export async function decideOnStream<C, E extends DomainEvent, S>(
  env: CommandHandlingEnv,
  streamId: string,
  decider: Decider<C, E, S>,
  command: C,
  options: StreamCommandOptions<S> = {},
): Promise<StreamCommandResult<E, S>> {
  const maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  const metadata = env.metadata({ ...options.metadata, command: (command as DecidedEvent).type });
  // Whose command the event ids belong to; fixed across attempts, so a retry finds (never repeats) its append.
  const scope = idScope(metadata, options.commandId);
  let duplicateSeen = false;
  for (let attempt = 1; ; attempt++) {
    const loaded: LoadedStream<S> =
      attempt === 1 && options.expectNewStream
        ? { state: decider.initialState(), version: 0, events: [] }
        : attempt === 1 && options.loaded
          ? options.loaded
          : await readAndFold(env.store, streamId, decider);
    // A retried request whose events are already in the stream (say the response was lost): answer with
    // what it did the first time instead of deciding again. Only the same caller's same command is that
    // request; its id on another command is a reuse, never "already done".
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
    const read = loaded.events.map((e) => ({ type: e.type, data: e.data }) as unknown as E);
    if (earlier.length > 0 && !options.decideEveryTime) {
      return {
        streamEvents: read,
        events: earlier.map((e) => ({ type: e.type, data: e.data }) as unknown as E),
        state: loaded.state,
        position: earlier[earlier.length - 1]!.globalPosition,
        replayed: true,
        version: loaded.version,
      };
    }
    if (options.expectedRevision !== undefined && options.expectedRevision !== loaded.version)
      throw staleRevision(options.expectedRevision, loaded.version);
    const decided = decider.decide(command, loaded.state, env.context());
    if (decided.length === 0) return { events: [], state: loaded.state, streamEvents: read, version: loaded.version };
    const idOf = scope && !options.decideEveryTime ? scope : undefined;
    const events: NewEvent[] = (decided as DecidedEvent[]).map((e, index) => ({
      id: idOf ? deriveEventId(idOf, streamId, index) : undefined,
      type: e.type,
      data: e.data as NewEvent['data'],
      metadata: withPolicyVersion(metadata, e),
    }));
    await options.beforeAppend?.();
    try {
      const result = await env.store.appendToStream(streamId, events, {
        expectedVersion: loaded.version === 0 ? 'no_stream' : loaded.version,
      });
      return {
        events: decided,
        state: decided.reduce(decider.evolve, loaded.state),
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
        await (env.pause ?? jitteredPause)(attempt);
        continue;
      }
      throw error;
    }
  }
}

/** Whose command the event ids belong to: the caller's request id, or a server-chosen command id. */
function idScope(m: EventMetadata, commandId: string | undefined): EventIdScope | undefined {
  const requestId = commandId ? `command:${commandId}` : m.requestId;
  if (!requestId) return undefined;
  return { requestId, tenantId: m.tenantId ?? '-', userId: m.userId ?? '-', command: String(m.command ?? '-') };
}

/** The events a command with this id scope appended (ids `deriveEventId(scope, streamId, 0..n)`), if any. */
function eventsOfCommand(events: RecordedEvent[], scope: EventIdScope, streamId: string): RecordedEvent[] {
  const start = events.findIndex((e) => e.eventId === deriveEventId(scope, streamId, 0));
  if (start < 0) return [];
  let end = start + 1;
  while (end < events.length && events[end]!.eventId === deriveEventId(scope, streamId, end - start)) end++;
  return events.slice(start, end);
}

/** The policy an event was decided under travels in its metadata too (audits filter on it). */
function withPolicyVersion(metadata: EventMetadata, event: DecidedEvent): EventMetadata {
  const v = (event.data as { policyVersion?: unknown }).policyVersion;
  return typeof v === 'string' ? { ...metadata, policyVersion: v } : { ...metadata };
}

/** Racers that lost retry after a short, growing, jittered pause so they do not collide again. */
function jitteredPause(attempt: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * Math.min(attempt, 10)));
}

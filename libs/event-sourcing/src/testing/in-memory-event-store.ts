import {
  DuplicateEventIdError,
  type AppendOptions,
  type AppendResult,
  type DomainEvent,
  type EventStore,
  type NewEvent,
  type ReadStreamResult,
  type RecordedEvent,
  type Subscription,
  isSameEvent,
  WrongExpectedVersionError,
} from '@csp/event-store';
import { randomUUID } from 'node:crypto';

/**
 * A fake of the event store PORT for unit specs of pure command-handling logic: streams in memory, the port's
 * append rules (expected version, a stored id is a replay only with the same content, else DuplicateEventIdError).
 * `beforeAppend` lets a spec play a racing writer that appends first. Integration suites use the real adapters.
 */
export class InMemoryEventStore implements EventStore {
  readonly kind = 'in-memory';
  private readonly streams = new Map<string, RecordedEvent[]>();
  private readonly byId = new Map<string, RecordedEvent>();
  private position = 0;
  reads = 0;
  appends = 0;
  /** Called at the start of every append (a racing writer can write here). */
  beforeAppend?: (streamId: string, events: NewEvent[]) => Promise<void> | void;

  async readStream<E extends DomainEvent = DomainEvent>(streamId: string): Promise<ReadStreamResult<E>> {
    this.reads++;
    const events = [...(this.streams.get(streamId) ?? [])] as RecordedEvent<E>[];
    return { streamExists: events.length > 0, currentVersion: events.length, events };
  }

  async appendToStream<E extends DomainEvent>(
    streamId: string,
    events: NewEvent<E>[],
    options: AppendOptions = {},
  ): Promise<AppendResult> {
    this.appends++;
    await this.beforeAppend?.(streamId, events as NewEvent[]);
    return this.appendNow(streamId, events, options);
  }

  /** An append without the `beforeAppend` hook and uncounted: what a racing writer does. */
  async appendNow<E extends DomainEvent>(
    streamId: string,
    events: NewEvent<E>[],
    options: AppendOptions = {},
  ): Promise<AppendResult> {
    const stream = this.streams.get(streamId) ?? [];
    const expected = options.expectedVersion ?? 'any';
    const versionOk =
      expected === 'any' ||
      (expected === 'no_stream' && stream.length === 0) ||
      (expected === 'stream_exists' && stream.length > 0) ||
      expected === stream.length;
    const stored = events.filter((e) => e.id !== undefined && this.byId.has(e.id));
    if (!versionOk || stored.length > 0) {
      const clash = stored.find((e) => !isSameEvent(this.byId.get(e.id!)!, streamId, e as NewEvent));
      if (clash) throw new DuplicateEventIdError(streamId, clash.id!);
      if (stored.length === events.length) {
        const found = stored.map((e) => this.byId.get(e.id!)!);
        return {
          nextExpectedVersion: Math.max(...found.map((e) => e.streamPosition)),
          lastGlobalPosition: Math.max(...found.map((e) => e.globalPosition)),
          idempotentReplay: true,
        };
      }
      throw new WrongExpectedVersionError(streamId, expected, stream.length === 0 ? 'no_stream' : stream.length);
    }
    for (const e of events) {
      const recorded: RecordedEvent = {
        eventId: e.id ?? randomUUID(),
        streamId,
        streamPosition: stream.length + 1,
        globalPosition: ++this.position,
        type: e.type,
        data: JSON.parse(JSON.stringify(e.data)),
        metadata: { ...(e.metadata ?? {}) },
        recordedAt: new Date(0),
      };
      stream.push(recorded);
      this.byId.set(recorded.eventId, recorded);
    }
    this.streams.set(streamId, stream);
    return { nextExpectedVersion: stream.length, lastGlobalPosition: this.position, idempotentReplay: false };
  }

  /** Every event of a stream as recorded. */
  eventsOf(streamId: string): RecordedEvent[] {
    return [...(this.streams.get(streamId) ?? [])];
  }

  async readAll(): Promise<never> {
    throw new Error('InMemoryEventStore: readAll is not faked');
  }

  subscribe(): Subscription {
    throw new Error('InMemoryEventStore: subscribe is not faked');
  }

  async headPosition(): Promise<number> {
    return this.position;
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {}
}

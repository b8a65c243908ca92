// Appends on PostgreSQL: one `es_append` call (one round trip) per append; when nothing was written, tell a
// retry of an append already stored (a replay) from a version conflict and from an id reused with other content.
import { randomUUID } from 'node:crypto';
import {
  DuplicateEventIdError,
  WrongExpectedVersionError,
  type AppendOptions,
  type AppendResult,
  type DomainEvent,
  type ExpectedVersion,
  type NewEvent,
} from '../event-store.port';
import { isSameEvent } from '../same-event';
import { toStoreError } from './postgres-errors';
import { MAX_EVENTS_PER_APPEND, type ExpectedMode } from './postgres-event-store.schema';
import type { StoreStatements } from './postgres-event-store.statements';
import { toRecorded, type EventRow } from './postgres-rows';
import type { PostgresSession } from './postgres-session';

function expectedMode(expected: ExpectedVersion): ExpectedMode {
  if (expected === 'any' || expected === 'no_stream' || expected === 'stream_exists') return expected;
  if (!Number.isSafeInteger(expected) || expected < 0) {
    throw new RangeError(`Expected version must be a non-negative integer, got ${String(expected)}`);
  }
  // Version 0 = no events = the stream does not exist.
  return expected === 0 ? 'no_stream' : 'exact';
}

export class PostgresAppender {
  constructor(
    private readonly session: PostgresSession,
    private readonly sql: StoreStatements,
    /** Called after every append that wrote events. */
    private readonly appended: () => void,
  ) {}

  async append<E extends DomainEvent>(
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
          ? await this.session.query<typeof row>(`append_one_${mode}`, this.sql.appendOne[mode], [
              streamId,
              expectedParam,
              one.id,
              one.type,
              JSON.stringify(one.data),
              JSON.stringify(one.metadata),
            ])
          : await this.session.query<typeof row>(`append_${mode}`, this.sql.append[mode], [
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
    this.appended();
    return {
      nextExpectedVersion: Number(row.next_version),
      lastGlobalPosition: Number(row.last_position),
      idempotentReplay: false,
    };
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
    const stored = await this.session.run<EventRow & { version: string | null }>('stored_ids', this.sql.storedIds, [
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
    const result = await this.session.run<{ version: string; last_position: string | null }>(
      'version',
      this.sql.version,
      [streamId],
    );
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

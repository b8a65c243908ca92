/**
 * SQL of the PostgreSQL event store.
 *
 * Gap-safe global order (after Emmett): every event row stores the id of the transaction that
 * wrote it, and readers return only rows whose transaction id is below the xmin of their
 * snapshot (all those transactions have ended), in global_position order. That alone is not
 * enough when positions come from a sequence: a transaction can draw a smaller position yet have
 * a larger transaction id than one that commits first, and the reader would pass over it. So the
 * position is derived from the transaction id itself:
 *
 *     global_position = transaction_id * 4096 + (index of the event in its append)
 *
 * Position order is then transaction order by construction, with no lock and no sequence: once a
 * reader sees position p, nothing below p can still appear. Consequences: positions are sparse
 * (gaps are allowed by the port), one append per database transaction (a second one would reuse
 * the positions and fails), and at most 4096 events per append.
 *
 * Appends are one statement (one round trip, no BEGIN/COMMIT): a CTE that moves the stream's
 * version row (the concurrency check: a row lock plus a re-check of `version = expected` after
 * waiting), then inserts the events only if that row moved. Without a row the statement returns
 * no version, and the caller decides between conflict and idempotent replay.
 *
 * Notifications: appends do not NOTIFY inside their transaction. A notifying transaction holds a
 * cluster-wide lock from pre-commit until its commit is flushed (to keep the queue in commit
 * order), which defeats group commit and cost about a third of the append throughput here. The
 * store sends a throttled NOTIFY after appends instead (see PostgresEventStore.signalAppended).
 */

/**
 * application_name of sessions that never append events: the store's NOTIFY session and projection runners'
 * lock sessions. Their transactions hold transaction ids (a NOTIFY takes one to queue its message, a projection
 * batch to write rows), and the gap-safe horizon would hold back every event appended meanwhile until they end.
 * Since they cannot write events, the horizon ignores them, as it ignores transactions of other databases.
 * Nothing that appends may use these names.
 */
export const NON_APPENDING_SESSIONS = ['es-notify', 'rm-projection'] as const;

export const quoteIdent = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/** Bits of global_position below the transaction id: max events per append. */
export const POSITION_SHIFT = 12;
export const MAX_EVENTS_PER_APPEND = 2 ** POSITION_SHIFT;

/** 32-bit FNV-1a, used to derive per-schema advisory lock keys and statement names. */
export function lockKey(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h | 0;
}

/** Advisory lock class id (first key of the two-int form) for migrations. */
export const MIGRATE_LOCK_CLASS = 0x65730001;

export function notifyChannel(schema: string): string {
  return `es_appended_${schema}`.slice(0, 63);
}

export function tableDdl(schema: string): string[] {
  const s = quoteIdent(schema);
  return [
    `CREATE SCHEMA IF NOT EXISTS ${s}`,
    `CREATE TABLE IF NOT EXISTS ${s}.es_streams (
       stream_id text PRIMARY KEY,
       version bigint NOT NULL CHECK (version > 0)
     )`,
    `CREATE TABLE IF NOT EXISTS ${s}.es_events (
       global_position bigint PRIMARY KEY,
       stream_id text NOT NULL,
       stream_position bigint NOT NULL,
       event_id uuid NOT NULL,
       type text NOT NULL,
       data jsonb NOT NULL,
       metadata jsonb NOT NULL DEFAULT '{}'::jsonb,
       recorded_at timestamptz NOT NULL DEFAULT now(),
       transaction_id xid8 NOT NULL DEFAULT pg_current_xact_id(),
       CONSTRAINT es_events_stream_position_key UNIQUE (stream_id, stream_position),
       CONSTRAINT es_events_position_matches_transaction
         CHECK (global_position >> ${POSITION_SHIFT} = transaction_id::text::bigint)
     )`,
    `CREATE UNIQUE INDEX IF NOT EXISTS es_events_event_id_key ON ${s}.es_events (event_id)`,
  ];
}

export type ExpectedMode = 'any' | 'no_stream' | 'stream_exists' | 'exact';

/**
 * The append statement for one kind of expected version.
 * $1 stream id, $2 expected version (exact only, else ignored), $3 jsonb array of
 * {id, type, data, metadata}, $4 number of events.
 * Returns one row: next_version and last_position, both null when nothing was written.
 */
export function appendSql(schema: string, mode: ExpectedMode): string {
  const s = quoteIdent(schema);
  // For 'any' and 'stream_exists' the version check cannot spot a retried append: skip the write
  // when the first event id is already stored, and let the caller confirm the replay.
  const notStored = `NOT EXISTS (SELECT 1 FROM ${s}.es_events x WHERE x.event_id = ($3::jsonb->0->>'id')::uuid)`;
  return `WITH stream AS (${streamWriteSql(s, mode, notStored, '$4::bigint')}),
    written AS (
      INSERT INTO ${s}.es_events (global_position, stream_id, stream_position, event_id, type, data, metadata)
      SELECT (pg_current_xact_id()::text::bigint << ${POSITION_SHIFT}) + ev.i - 1, $1::text, stream.version - $4::bigint + ev.i,
             (ev.e->>'id')::uuid, ev.e->>'type', ev.e->'data', COALESCE(ev.e->'metadata', '{}'::jsonb)
        FROM jsonb_array_elements($3::jsonb) WITH ORDINALITY AS ev(e, i) CROSS JOIN stream
      RETURNING global_position)
    SELECT (SELECT version FROM stream) AS next_version, (SELECT max(global_position) FROM written) AS last_position,
      $2::bigint AS expected`;
}

/**
 * The append statement for a single event (most commands append one): the event's fields travel as typed
 * parameters instead of a JSON array that the server unpacks, about a fifth less server time per append.
 * $1 stream id, $2 expected version (exact only), $3 event id, $4 type, $5 data, $6 metadata.
 * Returns the same row as appendSql.
 */
export function appendOneSql(schema: string, mode: ExpectedMode): string {
  const s = quoteIdent(schema);
  const notStored = `NOT EXISTS (SELECT 1 FROM ${s}.es_events x WHERE x.event_id = $3::uuid)`;
  return `WITH stream AS (${streamWriteSql(s, mode, notStored, '1')}),
    written AS (
      INSERT INTO ${s}.es_events (global_position, stream_id, stream_position, event_id, type, data, metadata)
      SELECT pg_current_xact_id()::text::bigint << ${POSITION_SHIFT}, $1::text, stream.version,
             $3::uuid, $4::text, $5::jsonb, $6::jsonb
        FROM stream
      RETURNING global_position)
    SELECT (SELECT version FROM stream) AS next_version, (SELECT global_position FROM written) AS last_position,
      $2::bigint AS expected`;
}

/** Moves the stream's version row by `count` events (an SQL expression), or returns no row. */
function streamWriteSql(s: string, mode: ExpectedMode, notStored: string, count: string): string {
  const streamWrite: Record<ExpectedMode, string> = {
    any: `INSERT INTO ${s}.es_streams AS st (stream_id, version)
            SELECT $1::text, ${count} WHERE ${notStored}
          ON CONFLICT (stream_id) DO UPDATE SET version = st.version + ${count}
          RETURNING st.version`,
    no_stream: `INSERT INTO ${s}.es_streams (stream_id, version) VALUES ($1::text, ${count})
          ON CONFLICT (stream_id) DO NOTHING
          RETURNING version`,
    stream_exists: `UPDATE ${s}.es_streams SET version = version + ${count}
          WHERE stream_id = $1::text AND ${notStored}
          RETURNING version`,
    exact: `UPDATE ${s}.es_streams SET version = version + ${count}
          WHERE stream_id = $1::text AND version = $2::bigint
          RETURNING version`,
  };
  return streamWrite[mode];
}

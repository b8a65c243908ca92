// The SQL of the PostgreSQL event store, built once per schema: appends, reads, the safe horizon, NOTIFY.
import {
  NON_APPENDING_SESSIONS,
  POSITION_SHIFT,
  appendOneSql,
  appendSql,
  quoteIdent,
  type ExpectedMode,
} from './postgres-event-store.schema';

export const EVENT_COLUMNS =
  'e.global_position, e.stream_id, e.stream_position, e.event_id, e.type, e.data, e.metadata, e.recorded_at';

export interface StoreStatements {
  append: Record<ExpectedMode, string>;
  appendOne: Record<ExpectedMode, string>;
  readStream: string;
  readAll: string;
  head: string;
  notify: string;
  version: string;
  storedIds: string;
}

export function storeStatements(schema: string): StoreStatements {
  const s = quoteIdent(schema);
  // The safe horizon: the oldest transaction still running when our snapshot was taken (its xmin),
  // ignoring transactions seen running in *other* databases, which cannot write our tables (a
  // long one there must not stall our followers), and those of sessions that never append (NON_APPENDING_SESSIONS). An xid that ended meanwhile counts as ours.
  // Positions below horizon << shift belong to ended transactions (an index range on the key).
  const safeCte = `snap AS MATERIALIZED (SELECT pg_current_snapshot() AS s),
      foreign_xids AS MATERIALIZED (
        SELECT backend_xid::text::bigint AS xid FROM pg_stat_activity
         WHERE backend_xid IS NOT NULL
           AND ((datname IS NOT NULL AND datname <> current_database())
                OR application_name IN (${NON_APPENDING_SESSIONS.map((n) => `'${n}'`).join(', ')}))),
      safe AS MATERIALIZED (
        SELECT COALESCE(
          (SELECT min(x.v) FROM snap, LATERAL (SELECT xip::text::bigint AS v FROM pg_snapshot_xip(snap.s) AS xip) x
            WHERE (x.v % 4294967296) NOT IN (SELECT xid FROM foreign_xids)),
          (SELECT pg_snapshot_xmax(s)::text::bigint FROM snap)) << ${POSITION_SHIFT} AS bound)`;
  return {
    append: {
      any: appendSql(schema, 'any'),
      no_stream: appendSql(schema, 'no_stream'),
      stream_exists: appendSql(schema, 'stream_exists'),
      exact: appendSql(schema, 'exact'),
    },
    appendOne: {
      any: appendOneSql(schema, 'any'),
      no_stream: appendOneSql(schema, 'no_stream'),
      stream_exists: appendOneSql(schema, 'stream_exists'),
      exact: appendOneSql(schema, 'exact'),
    },
    readStream: `SELECT st.version, ${EVENT_COLUMNS}
      FROM ${s}.es_streams st
      LEFT JOIN LATERAL (
        SELECT * FROM ${s}.es_events e
         WHERE e.stream_id = st.stream_id
           AND e.stream_position >= $2
           AND ($3::bigint IS NULL OR e.stream_position <= $3)
           AND ($4::timestamptz IS NULL OR e.recorded_at < $4::timestamptz + interval '1 millisecond')
         ORDER BY e.stream_position
      ) e ON true
      WHERE st.stream_id = $1
      ORDER BY e.stream_position`,
    // Only rows of transactions older than every running one: nothing below can still appear.
    // The batch comes straight off the primary key in order, beside the one row of the head and the safe bound
    // (so that an empty batch still reports how far it scanned, from the same snapshot). The bound and the head
    // each read one index entry: max() over a join with the CTE scanned every event below the bound (O(store
    // size) per read). readAllNow cuts the batch at the bound after the LIMIT: with the bound inside, PostgreSQL
    // guessed a tiny range and sorted a bitmap scan of everything instead of reading the index in order. Cutting
    // afterwards is the same answer (rows at or past the bound mean the batch reached the end of what is safe),
    // and tells that committed events are held back. No ORDER BY outside: PostgreSQL would sort every batch
    // again; readAllNow checks the order instead.
    readAll: `WITH ${safeCte},
      head AS MATERIALIZED (
        SELECT COALESCE((SELECT h.global_position FROM ${s}.es_events h
                          WHERE h.global_position < (SELECT bound FROM safe)
                          ORDER BY h.global_position DESC LIMIT 1), 0) AS position)
      SELECT head.position AS head, (SELECT bound FROM safe) AS bound, batch.* FROM head LEFT JOIN LATERAL (
        SELECT ${EVENT_COLUMNS}
          FROM ${s}.es_events e
         WHERE e.global_position > $1
           AND ($3::text[] IS NULL OR e.type = ANY($3::text[]))
           AND ($4::text[] IS NULL OR e.stream_id LIKE ANY($4::text[]))
         ORDER BY e.global_position
         LIMIT $2) batch ON true`,
    head: `WITH ${safeCte}
      SELECT COALESCE((SELECT global_position FROM ${s}.es_events
                        WHERE global_position < (SELECT bound FROM safe)
                        ORDER BY global_position DESC LIMIT 1), 0) AS position`,
    notify: `SELECT pg_notify($1, '')`,
    version: `SELECT st.version, (SELECT max(global_position) FROM ${s}.es_events e WHERE e.stream_id = st.stream_id) AS last_position
      FROM ${s}.es_streams st WHERE st.stream_id = $1`,
    // Every stored event with one of the ids, in any stream: a replay only if each is the one we would write.
    storedIds: `SELECT ${EVENT_COLUMNS}, (SELECT version FROM ${s}.es_streams WHERE stream_id = $1) AS version
      FROM ${s}.es_events e WHERE e.event_id = ANY($2::uuid[])`,
  };
}

/**
 * The SQL of the bulk seeder (bench/support/bulk-seed.ts), built from a template history the service wrote
 * itself: one INSERT … SELECT over generate_series per transaction, each copy ("set") g of the template with
 * every GUID except the partners' replaced by a per-set id of the same UUID version, every instant moved by the
 * set's time shift and every bench domain made unique. The text of each event is cut once, here, into literal
 * pieces and substitutions, so that PostgreSQL concatenates instead of running a replace() per GUID per event
 * (what cloneHistory does, at ~6k events/s).
 *
 * Positions are derived from the transaction id exactly as the store's append does (postgres-event-store.schema.ts):
 * (xid << 12) + index, at most 4,096 events per transaction, and each stream's row in es_streams carries the
 * version of its last event.
 */
import { MAX_EVENTS_PER_APPEND, POSITION_SHIFT } from '../../libs/event-store/src/postgres/postgres-event-store.schema';

export interface TemplateRow {
  streamId: string;
  streamPosition: number;
  eventId: string;
  type: string;
  /** data and metadata as PostgreSQL prints jsonb. */
  data: string;
  metadata: string;
  recordedAt: Date;
}

export interface SeedPlan {
  /** Events per set (the template's size). */
  perSet: number;
  /** Sets per transaction: as many whole sets as fit in one append's 4,096 positions. */
  setsPerTransaction: number;
  /** $1 first set, $2 last set, $3 the first set's time (timestamptz), $4 milliseconds between sets. */
  sql: string;
}

const GUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
const INSTANT = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z/g;
const DOMAIN = /bench-[0-9a-f-]{12}\.example\.com/g;
const TOKEN = new RegExp(`${GUID.source}|${INSTANT.source}|${DOMAIN.source}`, 'gi');

export const sqlLiteral = (s: string): string => `'${s.replace(/'/g, "''")}'`;

/** Cuts a text into SQL: literal pieces and the set's substitutes for GUIDs, instants and domains. */
export function substitutedText(
  text: string,
  guidIndex: ReadonlyMap<string, number>,
  partnerExpr: string,
  salt: string,
): string {
  const parts: string[] = [];
  let last = 0;
  for (const m of text.matchAll(TOKEN)) {
    const token = m[0];
    if (m.index > last) parts.push(sqlLiteral(text.slice(last, m.index)));
    last = m.index + token.length;
    const lower = token.toLowerCase();
    if (/^[0-9a-f]{8}-/i.test(token) && token.length === 36) {
      const i = guidIndex.get(lower);
      parts.push(i === undefined ? partnerExpr : `s.u[${i}]`);
    } else if (token.startsWith('bench-')) {
      // Unique per seeding and set, shaped like the service's: bench-<salt>-<set>.example.com.
      parts.push(`${sqlLiteral(`bench-${salt}-`)} || s.g || '.example.com'`);
    } else {
      const format = token.includes('.') ? 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"' : 'YYYY-MM-DD"T"HH24:MI:SS"Z"';
      parts.push(`to_char((${sqlLiteral(token)}::timestamptz + s.shift) AT TIME ZONE 'UTC', '${format}')`);
    }
  }
  if (last < text.length) parts.push(sqlLiteral(text.slice(last)));
  return parts.length ? parts.join(' || ') : "''";
}

/**
 * The seeding statement for a template. `partners` are the tenants the copies belong to (set g to partner
 * g mod n), `templatePartner` the tenant that wrote the template; `salt` keeps the ids of two seedings apart.
 */
export function buildSeedPlan(opts: {
  template: readonly TemplateRow[];
  templatePartner: string;
  partners: readonly string[];
  salt: string;
}): SeedPlan {
  const { template } = opts;
  if (template.length === 0) throw new Error('empty template');
  if (template.length > MAX_EVENTS_PER_APPEND) throw new Error('template larger than one append');
  if (opts.partners.length === 0) throw new Error('no partners');
  if (!/^[0-9a-z]+$/.test(opts.salt))
    throw new Error('the salt is lower-case letters and digits (it goes into domains)');
  const partner = opts.templatePartner.toLowerCase();
  // Every GUID of the template, with the version digit of its first spelling.
  const guids = new Map<string, number>();
  const versions: string[] = [];
  const texts = template.flatMap((e) => [e.streamId, e.eventId, e.data, e.metadata]);
  for (const text of texts)
    for (const m of text.matchAll(GUID)) {
      const g = m[0].toLowerCase();
      if (g === partner || guids.has(g)) continue;
      guids.set(g, guids.size + 1);
      versions.push(/^[0-9a-f]$/.test(g[14]!) ? g[14]! : '4');
    }
  const partnerExpr = `(ARRAY[${opts.partners.map((p) => sqlLiteral(p.toLowerCase())).join(', ')}])[1 + s.g % ${opts.partners.length}]`;
  // One md5 per set; the i-th GUID of the set is that hash with i in its first three digits (the other 25 hash
  // digits keep sets apart), shaped as a UUID of the template GUID's version.
  if (versions.length > 0xfff) throw new Error('too many GUIDs in the template');
  const ids = versions.map((v, i) => shapedUuid(`'${(i + 1).toString(16).padStart(3, '0')}' || substr(h.x, 4)`, v));
  const t0 = template[0]!.recordedAt.toISOString();
  const cases = (pick: (e: TemplateRow) => string) =>
    `CASE t.ord ${template.map((e, i) => `WHEN ${i + 1} THEN ${substitutedText(pick(e), guids, partnerExpr, opts.salt)}`).join(' ')} END`;
  const values = template
    .map(
      (e, i) =>
        `(${i + 1}, ${e.streamPosition}, ${sqlLiteral(e.type)}, ${sqlLiteral(e.recordedAt.toISOString())}::timestamptz)`,
    )
    .join(', ');
  const sql = `WITH h AS MATERIALIZED (
      SELECT g, md5(${sqlLiteral(`${opts.salt}:`)} || g) AS x FROM generate_series($1::bigint, $2::bigint) AS g),
    s AS MATERIALIZED (
      SELECT h.g, ARRAY[${ids.join(', ')}]::text[] AS u,
             $3::timestamptz + (h.g - $1::bigint) * $4::double precision * interval '1 millisecond'
               - ${sqlLiteral(t0)}::timestamptz AS shift
        FROM h),
    src AS MATERIALIZED (
      SELECT s.g, t.ord, t.stream_position, t.type, t.recorded_at + s.shift AS recorded_at,
             ${cases((e) => e.streamId)} AS stream_id,
             ${cases((e) => e.eventId)} AS event_id,
             ${cases((e) => e.data)} AS data,
             ${cases((e) => e.metadata)} AS metadata
        FROM s CROSS JOIN (VALUES ${values}) AS t(ord, stream_position, type, recorded_at)),
    ev AS (
      INSERT INTO es_events (global_position, stream_id, stream_position, event_id, type, data, metadata, recorded_at)
      SELECT (pg_current_xact_id()::text::bigint << ${POSITION_SHIFT}) + (src.g - $1::bigint) * ${template.length} + src.ord - 1,
             src.stream_id, src.stream_position, src.event_id::uuid, src.type, src.data::jsonb, src.metadata::jsonb,
             src.recorded_at
        FROM src
      RETURNING 1)
    INSERT INTO es_streams (stream_id, version)
    SELECT stream_id, max(stream_position) FROM src GROUP BY stream_id`;
  return {
    perSet: template.length,
    setsPerTransaction: Math.floor(MAX_EVENTS_PER_APPEND / template.length),
    sql,
  };
}

/** 32 hex digits (an SQL expression) as a UUID of version `v`, with the RFC 9562 variant bits (8, 9, a or b). */
export function shapedUuid(hex: string, v: string): string {
  if (!/^[0-9a-f]$/.test(v)) throw new Error(`bad UUID version ${v}`);
  const variant = `translate(substr(${hex}, 17, 1), '0123456789abcdef', '89ab89ab89ab89ab')`;
  return `(substr(${hex}, 1, 12) || '${v}' || substr(${hex}, 14, 3) || ${variant} || substr(${hex}, 18, 15))::uuid::text`;
}

import { randomUUID } from 'node:crypto';
import type { Client } from 'pg';
import type { ApiProcess } from './api-process';
import { withClient } from './database';
import { placeOrder, registerCustomer, revealAndLink } from './http-client';
import { STREAM_TYPES } from '../../libs/domain/src/streams/stream-registry';

/**
 * Large event stores, fast: the service writes one small, real history over HTTP (a customer with its domain
 * claim, an order, seven key reveals and a download link: 11 events, 9 of them audited), then cloned in SQL. Every GUID in
 * a clone except the partner's tenant is replaced (customers, orders, links, request ids), the domain too,
 * and clone g is moved g mod 90 days into the past (timestamps in the data and recorded_at alike), so that
 * date ranges select a realistic share. Appends of ≤ 4,096 events per transaction, positions derived from the
 * transaction id exactly as the store does (see postgres-event-store.schema.ts).
 */
/** Audit records per cloned history (the order, seven key reveals, the link). */
export const AUDITED_PER_SET = 9;
const MAX_PER_TX = 4096;

export async function writeTemplateHistory(api: ApiProcess, partnerTenantId: string): Promise<void> {
  const token = await api.token(partnerTenantId, ['AdminAgent', 'GlobalAdmin', 'Auditor']);
  const customerId = await registerCustomer(api.baseUrl, token);
  const orderId = await placeOrder(api.baseUrl, token, customerId);
  const path = `/v1/customers/${customerId}/software/${orderId}_0`;
  await revealAndLink(api.baseUrl, token, path, AUDITED_PER_SET - 2);
}

const GUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
const INSTANT = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z/g;
const lit = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** The partner's own registration is not cloned: the clones are its customers' histories. */
const CLONED = `stream_id NOT LIKE '${STREAM_TYPES.partner}%'`;

/** Clones the store's whole current content `sets` times. Returns the number of events added. */
export async function cloneHistory(
  url: string,
  opts: { sets: number; partnerTenantId: string; log: (m: string) => void },
): Promise<number> {
  return withClient(url, async (c) => {
    const template = await c.query<{ text: string }>(
      `SELECT stream_id || ' ' || data::text || ' ' || metadata::text AS text FROM es_events WHERE ${CLONED}`,
    );
    const events = template.rowCount ?? 0;
    if (events === 0) throw new Error('no events to clone');
    const all = template.rows.map((r) => r.text).join(' ');
    const guids = [...new Set((all.match(GUID) ?? []).map((g) => g.toLowerCase()))].filter(
      (g) => g !== opts.partnerTenantId.toLowerCase(),
    );
    const instants = [...new Set(all.match(INSTANT) ?? [])];
    const domains = [...new Set(all.match(/bench-[0-9a-f-]{12}\.example\.com/g) ?? [])];
    const rep = (expr: string): string => {
      let e = expr;
      for (const g of guids) e = `replace(${e}, ${lit(g)}, md5(${lit(g)} || s.g)::uuid::text)`;
      for (const d of domains) e = `replace(${e}, ${lit(d)}, 'c' || s.g || '-' || ${lit(d)})`;
      for (const i of instants)
        e = `replace(${e}, ${lit(i)}, to_char((${lit(i)}::timestamptz - (s.g % 90) * interval '1 day') AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))`;
      return e;
    };
    await c.query(`DROP TABLE IF EXISTS bench_template`);
    await c.query(
      `CREATE UNLOGGED TABLE bench_template AS
         SELECT row_number() OVER (ORDER BY e.global_position) AS ord, e.stream_id, e.stream_position, e.type,
                e.data::text AS data, e.metadata::text AS metadata, e.recorded_at, v.version
           FROM es_events e JOIN es_streams v USING (stream_id) WHERE ${CLONED}`,
    );
    const perTx = Math.max(1, Math.floor(MAX_PER_TX / events));
    const sql = `
      WITH s AS (SELECT g FROM generate_series($1::int, $2::int) AS g),
      src AS (SELECT t.*, s.g, ${rep('t.stream_id')} AS new_stream FROM bench_template t CROSS JOIN s),
      ev AS (
        INSERT INTO es_events (global_position, stream_id, stream_position, event_id, type, data, metadata, recorded_at)
        SELECT pg_current_xact_id()::text::bigint * ${MAX_PER_TX} + row_number() OVER (ORDER BY src.g, src.ord) - 1,
               src.new_stream, src.stream_position, gen_random_uuid(), src.type,
               (SELECT ${rep('src.data')} FROM (SELECT src.g) s)::jsonb,
               (SELECT ${rep('src.metadata')} FROM (SELECT src.g) s)::jsonb,
               src.recorded_at - (src.g % 90) * interval '1 day'
          FROM src
        RETURNING 1)
      INSERT INTO es_streams (stream_id, version)
      SELECT DISTINCT new_stream, version FROM src`;
    let added = 0;
    const started = Date.now();
    for (let from = 1; from <= opts.sets; from += perTx) {
      const to = Math.min(opts.sets, from + perTx - 1);
      await c.query(sql, [from, to]);
      added += (to - from + 1) * events;
      if ((from - 1) % (perTx * 50) === 0)
        opts.log(
          `seed: ${added.toLocaleString('en')} events (${Math.round(added / ((Date.now() - started) / 1000 + 1e-3))}/s)`,
        );
    }
    await c.query(`DROP TABLE bench_template`);
    await c.query(`ANALYZE es_events`);
    return added;
  });
}

/** A partner tenant id for the seeded history. */
export const newPartner = (): string => randomUUID();

export async function count(c: Client, sql: string): Promise<number> {
  return Number((await c.query<{ n: string }>(sql)).rows[0]?.n ?? 0);
}

import type { EventStore } from '@csp/event-store';
import type { Pool, PoolClient } from 'pg';
import type { Projection } from '../projections/projection';
import { silentProjectionLogger, type ProjectionLogger } from '../projections/projection.logger';
import { quoteIdent, ShadowBuild, timestampedSchema, type RebuildProgress } from './shadow-build';

/** Columns that say how a row was written, not what it says: never compared. */
export const BOOKKEEPING_COLUMNS = ['position', 'updated_at'] as const;

export interface VerifyOptions {
  pool: Pool;
  eventStore: EventStore;
  projections: readonly Projection[];
  batchSize?: number;
  onProgress?: (progress: RebuildProgress) => void;
  logger?: ProjectionLogger;
  /** Keep the shadow schema for inspection. */
  keepShadow?: boolean;
}

export interface RowDifference {
  projection: string;
  table: string;
  /** Primary-key values (or the whole row for a table without one). */
  key: unknown;
  kind: 'missing' | 'unexpected' | 'changed' | 'table_missing';
  /** Changed columns: what the live table holds and what the history says. */
  columns: { column: string; live: unknown; replayed: unknown }[];
}

export interface VerifyResult {
  shadowSchema: string;
  projections: { name: string; checkpoint: number; tables: { table: string; rows: number }[] }[];
  differences: RowDifference[];
}

/**
 * The auditors' proof: rebuilds every projection from the event store into a shadow schema, up to exactly
 * the live checkpoint, and compares the shadow with the live tables row by row, bookkeeping columns aside.
 * The comparison runs in one REPEATABLE READ transaction: the runners write rows and checkpoint together,
 * so the snapshot holds live tables and checkpoints that belong together, and nobody is blocked.
 */
export async function verifyProjections(options: VerifyOptions): Promise<VerifyResult> {
  const logger = options.logger ?? silentProjectionLogger;
  const liveSchema = (await options.pool.query<{ s: string }>('SELECT current_schema() AS s')).rows[0].s;
  const initial = await liveCheckpoints(options.pool, options.projections);
  const build = await ShadowBuild.create({
    pool: options.pool,
    eventStore: options.eventStore,
    projections: options.projections,
    schema: timestampedSchema('rm_verify'),
    batchSize: options.batchSize,
    onProgress: options.onProgress,
  });
  const client = await options.pool.connect();
  try {
    logger.info(`verify: rebuilding into ${build.schema}`);
    // Bulk to the lowest live checkpoint; each projection is topped up to its own inside the snapshot.
    await build.catchUp(Math.min(...options.projections.map((p) => initial.get(p.name) ?? 0)));
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
    try {
      const live = await liveCheckpoints(client, options.projections);
      const result: VerifyResult = { shadowSchema: build.schema, projections: [], differences: [] };
      for (const projection of options.projections) {
        const checkpoint = live.get(projection.name) ?? 0;
        await build.topUp(client, projection, checkpoint);
        const tables: { table: string; rows: number }[] = [];
        for (const table of build.tables.get(projection.name) ?? []) {
          const compared = await compareTable(client, projection.name, table, liveSchema, build.schema);
          tables.push({ table, rows: compared.rows });
          result.differences.push(...compared.differences);
        }
        result.projections.push({ name: projection.name, checkpoint, tables });
      }
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
  } finally {
    client.release();
    build.release();
    if (!options.keepShadow) await build.drop();
  }
}

async function liveCheckpoints(
  db: Pool | PoolClient,
  projections: readonly Projection[],
): Promise<Map<string, number>> {
  const exists = await db.query<{ t: string | null }>(`SELECT to_regclass('read_model_checkpoints')::text AS t`);
  if (!exists.rows[0].t) return new Map();
  const result = await db.query<{ projection: string; position: string }>(
    'SELECT projection, position FROM read_model_checkpoints WHERE projection = ANY($1::text[])',
    [projections.map((p) => p.name)],
  );
  return new Map(result.rows.map((r) => [r.projection, Number(r.position)]));
}

/** Rows of one table that differ between the live schema and the shadow, keyed by primary key. */
async function compareTable(
  client: PoolClient,
  projection: string,
  table: string,
  liveSchema: string,
  shadowSchema: string,
): Promise<{ rows: number; differences: RowDifference[] }> {
  const shadow = `${quoteIdent(shadowSchema)}.${quoteIdent(table)}`;
  const live = `${quoteIdent(liveSchema)}.${quoteIdent(table)}`;
  const shadowRows = Number((await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${shadow}`)).rows[0].n);
  const present = await client.query<{ t: string | null }>('SELECT to_regclass($1)::text AS t', [live]);
  if (!present.rows[0].t) {
    return { rows: shadowRows, differences: [{ projection, table, key: null, kind: 'table_missing', columns: [] }] };
  }
  const pk = await client.query<{ column: string }>(
    `SELECT a.attname AS column FROM pg_index i
       JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
      WHERE i.indrelid = $1::regclass AND i.indisprimary ORDER BY array_position(i.indkey, a.attnum)`,
    // The live table's key: a shadow is loaded before the keys that only guard redelivery (see MigrateOptions).
    [live],
  );
  const ignored = [...BOOKKEEPING_COLUMNS];
  // Without a primary key the row is its own key, compared as a multiset (with a count per distinct row).
  const keyExpr = pk.rows.length
    ? `jsonb_build_array(${pk.rows.map((r) => `t.${quoteIdent(r.column)}`).join(', ')})`
    : `to_jsonb(t) - $1::text[]`;
  const side = (relation: string): string =>
    `SELECT ${keyExpr} AS k, to_jsonb(t) - $1::text[] AS r, count(*) AS n FROM ${relation} t GROUP BY 1, 2`;
  const result = await client.query<{
    lk: unknown;
    sk: unknown;
    lr: Record<string, unknown> | null;
    sr: Record<string, unknown> | null;
  }>(
    `SELECT l.k AS lk, s.k AS sk, l.r AS lr, s.r AS sr
       FROM (${side(live)}) l FULL JOIN (${side(shadow)}) s ON l.k = s.k
      WHERE l.r IS DISTINCT FROM s.r OR l.n IS DISTINCT FROM s.n
      ORDER BY COALESCE(l.k, s.k)`,
    [ignored],
  );
  const differences = result.rows.map((row): RowDifference => {
    if (row.lr === null) return { projection, table, key: row.sk, kind: 'missing', columns: [] };
    if (row.sr === null) return { projection, table, key: row.lk, kind: 'unexpected', columns: [] };
    const names = [...new Set([...Object.keys(row.lr), ...Object.keys(row.sr)])].sort();
    const columns = names
      .filter((c) => JSON.stringify(row.lr?.[c]) !== JSON.stringify(row.sr?.[c]))
      .map((c) => ({ column: c, live: row.lr?.[c], replayed: row.sr?.[c] }));
    return { projection, table, key: row.lk, kind: 'changed', columns };
  });
  return { rows: shadowRows, differences };
}

/** One line per difference, for people. */
export function describeDifference(d: RowDifference): string {
  const where = `${d.projection} ${d.table}${d.key === null ? '' : ` ${JSON.stringify(d.key)}`}`;
  switch (d.kind) {
    case 'table_missing':
      return `${where}: the live table is missing`;
    case 'missing':
      return `${where}: row missing from the live table (the history has it)`;
    case 'unexpected':
      return `${where}: row in the live table that the history does not produce`;
    default:
      return `${where}: ${d.columns
        .map((c) => `${c.column}: live ${JSON.stringify(c.live)} ≠ replayed ${JSON.stringify(c.replayed)}`)
        .join('; ')}`;
  }
}

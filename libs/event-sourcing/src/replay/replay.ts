import type { EventStore } from '@csp/event-store';
import type { Pool, PoolClient } from 'pg';
import type { Projection } from '../projections/projection';
import { CHECKPOINT_CHANNEL, CHECKPOINTS_DDL, projectionLockKey } from '../checkpoints/checkpoint.schema';
import { silentProjectionLogger, type ProjectionLogger } from '../projections/projection.logger';
import { quoteIdent, ShadowBuild, timestampedSchema, type RebuildProgress } from './shadow-build';

export interface ReplayOptions {
  pool: Pool;
  eventStore: EventStore;
  projections: readonly Projection[];
  batchSize?: number;
  onProgress?: (progress: RebuildProgress) => void;
  logger?: ProjectionLogger;
  /** How long to wait for live runners to apply what the build already has. Default 10 s. */
  liveWaitMs?: number;
  /** Keep the replaced tables in their rm_old_… schema instead of dropping them. */
  keepOld?: boolean;
}

export interface ReplayResult {
  buildSchema: string;
  /** Where the replaced tables went (dropped unless keepOld). */
  oldSchema: string;
  /** Per projection: the checkpoint the swapped-in tables are at, and their tables. */
  projections: { name: string; checkpoint: number; tables: string[] }[];
  events: number;
  durationMs: number;
}

/**
 * Blue-green rebuild: the projections are rebuilt from the event store into a new schema while the API and
 * the runners keep using the live tables; once caught up, one transaction locks the projections'
 * checkpoint rows (the runners' next commit waits on them), brings each build to exactly the live
 * checkpoint, moves the live tables out and the new ones in, and leaves the checkpoints consistent with
 * what the new tables hold. Readers wait for the swap's short table locks, then see the new tables.
 */
export async function replayProjections(options: ReplayOptions): Promise<ReplayResult> {
  const started = Date.now();
  const logger = options.logger ?? silentProjectionLogger;
  const liveSchema = await currentSchema(options.pool);
  await options.pool.query(CHECKPOINTS_DDL);
  const build = await ShadowBuild.create({
    pool: options.pool,
    eventStore: options.eventStore,
    projections: options.projections,
    schema: timestampedSchema('rm_build'),
    batchSize: options.batchSize,
    onProgress: options.onProgress,
  });
  const oldSchema = build.schema.replace(/^rm_build/, 'rm_old');
  try {
    logger.info(`replay: building ${options.projections.map((p) => p.name).join(', ')} in schema ${build.schema}`);
    await build.catchUp();
    await build.finish();
    await waitForLiveRunners(options.pool, build, options.liveWaitMs ?? 10_000);
    const client = await options.pool.connect();
    let checkpoints: Map<string, number>;
    try {
      checkpoints = await swap(client, build, liveSchema, oldSchema);
    } finally {
      client.release();
    }
    logger.info(`replay: swapped in ${[...checkpoints].map(([n, p]) => `${n}@${p}`).join(', ')}`);
    if (!options.keepOld) await options.pool.query(`DROP SCHEMA IF EXISTS ${quoteIdent(oldSchema)} CASCADE`);
    return {
      buildSchema: build.schema,
      oldSchema,
      projections: options.projections.map((p) => ({
        name: p.name,
        checkpoint: checkpoints.get(p.name) ?? 0,
        tables: build.tables.get(p.name) ?? [],
      })),
      events: build.applied,
      durationMs: Date.now() - started,
    };
  } finally {
    build.release();
    // Empty after a swap; after a failure it holds the half-built tables, which go.
    await build.drop();
  }
}

async function swap(
  client: PoolClient,
  build: ShadowBuild,
  liveSchema: string,
  oldSchema: string,
): Promise<Map<string, number>> {
  const checkpoints = new Map<string, number>();
  await client.query('BEGIN');
  try {
    // A long-running reader must not hold the swap (and the runners queued behind it) for ever.
    await client.query(`SET LOCAL lock_timeout = '15s'`);
    const projections = [...build.projections].sort((a, b) => a.name.localeCompare(b.name));
    for (const projection of projections) {
      // Rows first, in name order (the runners lock a checkpoint row before touching its tables too).
      await client.query(
        'INSERT INTO read_model_checkpoints (projection, position, version) VALUES ($1, 0, $2) ON CONFLICT (projection) DO NOTHING',
        [projection.name, projection.version],
      );
      const live = await client.query<{ position: string }>(
        'SELECT position FROM read_model_checkpoints WHERE projection = $1 FOR UPDATE',
        [projection.name],
      );
      const idle = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_xact_lock(hashtext($1)) AS locked', [
        projectionLockKey(projection.name),
      ]);
      const liveAt = Number(live.rows[0].position);
      if (liveAt > build.position(projection.name)) await build.topUp(client, projection, liveAt);
      // The build may have scanned past the live checkpoint without events of its types in between: the
      // tables then say exactly what history says at liveAt, and a running runner goes on from there.
      // Without a runner (we hold its lock) the checkpoint moves to the build's position.
      const consistentAtLive = build.lastEventPosition(projection.name) <= liveAt;
      const checkpoint = consistentAtLive && !idle.rows[0].locked ? liveAt : build.position(projection.name);
      checkpoints.set(projection.name, checkpoint);
    }
    await client.query(`CREATE SCHEMA ${quoteIdent(oldSchema)}`);
    const tables = projections.flatMap((p) => build.tables.get(p.name) ?? []);
    const existing = await client.query<{ name: string }>(
      `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = $1 AND c.relname = ANY($2::text[]) AND c.relkind IN ('r', 'p')`,
      [liveSchema, tables],
    );
    const live = existing.rows.map((r) => `${quoteIdent(liveSchema)}.${quoteIdent(r.name)}`);
    if (live.length > 0) await client.query(`LOCK TABLE ${live.join(', ')} IN ACCESS EXCLUSIVE MODE`);
    for (const r of existing.rows) {
      await client.query(
        `ALTER TABLE ${quoteIdent(liveSchema)}.${quoteIdent(r.name)} SET SCHEMA ${quoteIdent(oldSchema)}`,
      );
    }
    for (const table of tables) {
      await client.query(
        `ALTER TABLE ${quoteIdent(build.schema)}.${quoteIdent(table)} SET SCHEMA ${quoteIdent(liveSchema)}`,
      );
    }
    for (const projection of projections) {
      const position = checkpoints.get(projection.name) ?? 0;
      await client.query(
        `UPDATE read_model_checkpoints SET position = $2, version = $3, updated_at = now() WHERE projection = $1`,
        [projection.name, position, projection.version],
      );
      await client.query('SELECT pg_notify($1, $2)', [CHECKPOINT_CHANNEL, `${projection.name}:${position}`]);
    }
    await client.query('COMMIT');
    return checkpoints;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

/**
 * Lets running runners apply what the build already holds, so that the swap can keep their checkpoints
 * where they are. Bounded: a projection without a runner never moves, and that is fine too.
 */
async function waitForLiveRunners(pool: Pool, build: ShadowBuild, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const result = await pool.query<{ projection: string; position: string }>(
      'SELECT projection, position FROM read_model_checkpoints WHERE projection = ANY($1::text[])',
      [build.projections.map((p) => p.name)],
    );
    const live = new Map(result.rows.map((r) => [r.projection, Number(r.position)]));
    const behind: string[] = [];
    for (const p of build.projections) {
      if ((live.get(p.name) ?? 0) < build.lastEventPosition(p.name) && (await runnerActive(pool, p.name)))
        behind.push(p.name);
    }
    if (behind.length === 0 || Date.now() > deadline) return;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Whether some process holds the projection's advisory lock (a runner is active). */
async function runnerActive(pool: Pool, name: string): Promise<boolean> {
  const client = await pool.connect();
  try {
    const r = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock(hashtext($1)) AS locked', [
      projectionLockKey(name),
    ]);
    if (r.rows[0].locked) await client.query('SELECT pg_advisory_unlock(hashtext($1))', [projectionLockKey(name)]);
    return !r.rows[0].locked;
  } finally {
    client.release();
  }
}

async function currentSchema(pool: Pool): Promise<string> {
  const result = await pool.query<{ schema: string }>('SELECT current_schema() AS schema');
  return result.rows[0].schema;
}

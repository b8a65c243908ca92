import type { Pool, PoolClient } from 'pg';
import type { EventStore } from '@csp/event-store';
import { auditEventOf, canonicalEventLine } from '../verification/canonical-event';
import { Hash, leafHashOfText } from '../verification/merkle';
import { TenantAttribution } from './attribution';
import { AUDIT_LOG_DDL, AUDIT_LOG_VERSION, AUDIT_VERSION_DDL, DERIVED_TABLES } from './audit-log.schema';
import { GrowingTree } from './tiles';

/** Events the producer takes from the store per transaction (a round takes as many batches as it needs). */
export const INGEST_BATCH = 2000;

/** Serialises the DDL of processes starting together (CREATE IF NOT EXISTS is not race-free). */
const DDL_LOCK = 0x617564; // 'aud'

export const frontierOf = (bytes: Buffer): Hash[] =>
  Array.from({ length: bytes.length / 32 }, (_, i) => bytes.subarray(i * 32, i * 32 + 32));

/**
 * Creates the tables, or upgrades an older layout: its derived tables dropped and the checkpoint moved back to the
 * start, so that the producer rebuilds the trees from the event store (digests and keys stay: see the schema).
 */
export async function migrateAuditLog(pool: Pool): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [DDL_LOCK]);
    await client.query(AUDIT_VERSION_DDL);
    const { rows } = await client.query<{ version: number }>('SELECT version FROM audit_log_version');
    if ((rows[0]?.version ?? 0) < AUDIT_LOG_VERSION) {
      await client.query(`DROP TABLE IF EXISTS ${DERIVED_TABLES.join(', ')}`);
      await client.query('UPDATE audit_checkpoint SET position = -1 WHERE id = 1');
      await client.query(
        `INSERT INTO audit_log_version (id, version) VALUES (1, $1) ON CONFLICT (id) DO UPDATE SET version = $1`,
        [AUDIT_LOG_VERSION],
      );
    }
    await client.query(AUDIT_LOG_DDL);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/**
 * Runs `work` holding the audit log's single writer lock (the checkpoint row), in one transaction: a second
 * producer waits, then sees what the first committed. Returns what `work` returns.
 */
export async function underWriterLock<T>(
  pool: Pool,
  work: (client: PoolClient, checkpoint: number) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  try {
    const [, locked] = (await client.query(
      'BEGIN; SELECT position FROM audit_checkpoint WHERE id = 1 FOR UPDATE',
    )) as unknown as [unknown, { rows: { position: string }[] }];
    const result = await work(client, Number(locked.rows[0].position));
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

interface TreeRow {
  tenant_id: string;
  tree_id: number;
  tree_size: string;
  frontier: Buffer;
  tail: Buffer;
}

/**
 * Appends the next batch of the global order to the tenants' trees, in one transaction: the complete tiles and
 * subtrees, the trees' rows (size, right edge, unfinished tile), what attribution learnt, and the checkpoint. `caughtUp`: the batch reached what the store can give now.
 */
export async function ingestBatch(
  pool: Pool,
  store: EventStore,
  maxCount: number,
  attribution: TenantAttribution,
): Promise<{ events: number; caughtUp: boolean }> {
  const done = await underWriterLock(pool, async (client, checkpoint) => {
    const batch = await store.readAll({ after: checkpoint < 0 ? undefined : checkpoint, maxCount });
    const events = batch.events;
    const resumeAfter = Math.max(batch.lastPosition, batch.scannedPosition ?? -1);
    if (events.length === 0) {
      if (resumeAfter > checkpoint)
        await client.query('UPDATE audit_checkpoint SET position = $1 WHERE id = 1', [resumeAfter]);
      return { events, tenants: [], learnt: undefined, caughtUp: true };
    }
    const { tenants, learnt } = await attribution.attribute(client, store, events);
    const trees = await loadTrees(client, [...new Set(tenants)]);
    for (let i = 0; i < events.length; i++) {
      const e = events[i];
      const tree = (trees.get(tenants[i]) as { tree: GrowingTree }).tree;
      tree.append(leafHashOfText(canonicalEventLine(auditEventOf(e))), e.globalPosition, e.eventId);
    }
    const all = [...trees.values()];
    const tiles = all.flatMap(({ id, tree }) => tree.tiles.map((t) => ({ id, ...t })));
    const nodes = all.flatMap(({ id, tree }) => tree.nodes.map((n) => ({ id, ...n })));
    // One statement: every write of the batch (a single round trip, a single plan).
    await client.query(
      `WITH tiles AS (
         INSERT INTO audit_tiles (tree_id, tile, bloom, leaves)
         SELECT * FROM unnest($1::int[], $2::bigint[], $3::bytea[], $4::bytea[])),
       subtrees AS (
         INSERT INTO audit_subtrees (tree_id, level, idx, hash)
         SELECT * FROM unnest($5::int[], $6::smallint[], $7::bigint[], $8::bytea[])),
       trees AS (
         UPDATE audit_trees t SET tree_size = u.size, frontier = u.frontier, tail = u.tail
           FROM unnest($9::int[], $10::bigint[], $11::bytea[], $12::bytea[]) AS u(id, size, frontier, tail)
          WHERE t.tree_id = u.id),
       streams AS (
         INSERT INTO audit_stream_tenants (stream_id, tenant_id) SELECT * FROM unnest($13::text[], $14::text[])
         ON CONFLICT DO NOTHING),
       customers AS (
         INSERT INTO audit_customer_partners (customer_id, tenant_id) SELECT * FROM unnest($15::text[], $16::text[])
         ON CONFLICT DO NOTHING)
       UPDATE audit_checkpoint SET position = $17 WHERE id = 1`,
      [
        tiles.map((t) => t.id),
        tiles.map((t) => t.tile),
        tiles.map((t) => t.bloom),
        tiles.map((t) => t.leaves),
        nodes.map((n) => n.id),
        nodes.map((n) => n.level),
        nodes.map((n) => n.index),
        nodes.map((n) => n.hash),
        all.map((t) => t.id),
        all.map((t) => t.tree.size),
        all.map((t) => Buffer.concat(t.tree.frontier as Hash[])),
        all.map((t) => t.tree.tailLeaves),
        learnt.streams.map(([s]) => s),
        learnt.streams.map(([, t]) => t),
        learnt.customers.map(([c]) => c),
        learnt.customers.map(([, t]) => t),
        resumeAfter,
      ],
    );
    return { events, tenants, learnt, caughtUp: batch.isEnd };
  });
  if (done.learnt) attribution.remember(done.events, done.tenants, done.learnt);
  return { events: done.events.length, caughtUp: done.caughtUp };
}

/** The trees of these tenants, ready to grow; a tenant without one gets a new, empty tree (and its number). */
async function loadTrees(
  client: PoolClient,
  tenants: string[],
): Promise<Map<string, { id: number; tree: GrowingTree }>> {
  const { rows } = await client.query<TreeRow>(
    `WITH fresh AS (
       INSERT INTO audit_trees (tenant_id, tree_id, tree_size, frontier, tail)
       SELECT t, (SELECT COALESCE(max(tree_id), 0) FROM audit_trees) + row_number() OVER (), 0, '', ''
         FROM unnest($1::text[]) AS t WHERE NOT EXISTS (SELECT 1 FROM audit_trees WHERE tenant_id = t)
       RETURNING *)
     SELECT * FROM fresh UNION ALL SELECT * FROM audit_trees WHERE tenant_id = ANY($1::text[])`,
    [tenants],
  );
  return new Map(
    rows.map((r) => [
      r.tenant_id,
      { id: r.tree_id, tree: new GrowingTree(Number(r.tree_size), frontierOf(r.frontier), r.tail) },
    ]),
  );
}

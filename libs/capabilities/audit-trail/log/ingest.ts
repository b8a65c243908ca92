import type { Pool, PoolClient } from 'pg';
import type { EventStore, RecordedEvent } from '@csp/event-store';
import { auditEventOf } from '../verification/canonical-event';
import { Hash } from '../verification/merkle';
import { TenantAttribution } from './attribution';
import { frontierOf, underWriterLock } from './audit-log.store';
import { leafHashOfEvent } from './canonical-bytes';
import { GrowingTree } from './tiles';
import { customerNamedBy, partnerNamedBy } from './tenant-of-event';

/** An event as the trees need it: its leaf hash (its canonical bytes, hashed), and what decides its tenant. */
export interface NewLeaf {
  eventId: string;
  streamId: string;
  streamPosition: number;
  position: number;
  partner?: string;
  customer?: string;
  hash: Hash;
}

export const newLeafOf = (e: RecordedEvent): NewLeaf => ({
  eventId: e.eventId,
  streamId: e.streamId,
  streamPosition: e.streamPosition,
  position: e.globalPosition,
  partner: partnerNamedBy(e),
  customer: customerNamedBy(e),
  hash: leafHashOfEvent(auditEventOf(e)),
});

interface TreeRow {
  tenant_id: string;
  tree_id: number;
  tree_size: string;
  frontier: Buffer;
  tail: Buffer;
}

/**
 * Appends leaves (the next ones of the global order after the checkpoint) to their tenants' trees, inside the
 * writer's transaction: the complete tiles and subtrees, the trees' rows (size, right edge, unfinished tile), what
 * attribution learnt, and the checkpoint `through`, in one statement. Returns what to remember once committed.
 */
export async function appendLeaves(
  client: PoolClient,
  store: EventStore,
  leaves: readonly NewLeaf[],
  attribution: TenantAttribution,
  through: number,
): Promise<() => void> {
  const { tenants, learnt } = await attribution.attribute(client, store, leaves);
  const trees = await loadTrees(client, [...new Set(tenants)]);
  leaves.forEach((leaf, i) =>
    (trees.get(tenants[i]) as { tree: GrowingTree }).tree.append(leaf.hash, leaf.position, leaf.eventId),
  );
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
      through,
    ],
  );
  return () => attribution.remember(leaves, tenants, learnt);
}

/**
 * Reads the next batch of the global order after the checkpoint and appends it, in one transaction. `caughtUp`: the
 * batch reached what the store can give now. (The worker follows the store instead, see LiveIngestion; this is the
 * pull that catches up on demand.)
 */
export async function ingestBatch(
  pool: Pool,
  store: EventStore,
  maxCount: number,
  attribution: TenantAttribution,
): Promise<{ events: number; caughtUp: boolean }> {
  const done = await underWriterLock(pool, async (client, checkpoint) => {
    const batch = await store.readAll({ after: checkpoint < 0 ? undefined : checkpoint, maxCount });
    const resumeAfter = Math.max(batch.lastPosition, batch.scannedPosition ?? -1);
    if (batch.events.length === 0) {
      if (resumeAfter > checkpoint)
        await client.query('UPDATE audit_checkpoint SET position = $1 WHERE id = 1', [resumeAfter]);
      return { events: 0, caughtUp: true, remember: () => undefined };
    }
    const remember = await appendLeaves(client, store, batch.events.map(newLeafOf), attribution, resumeAfter);
    return { events: batch.events.length, caughtUp: batch.isEnd, remember };
  });
  done.remember();
  return { events: done.events, caughtUp: done.caughtUp };
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

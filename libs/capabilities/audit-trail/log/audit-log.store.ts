import type { Pool, PoolClient } from 'pg';
import type { EventStore, RecordedEvent } from '@csp/event-store';
import { auditEventOf, canonicalEventLine } from '../verification/canonical-event';
import { CompactRange, Hash, leafHash } from '../verification/merkle';
import { AUDIT_LOG_DDL } from './audit-log.schema';
import { customerNamedBy, partnerNamedBy, tenantOf } from './tenant-of-event';

/** Serialises the DDL of processes starting together (CREATE IF NOT EXISTS is not race-free). */
const DDL_LOCK = 0x617564; // 'aud'

export const frontierOf = (bytes: Buffer): Hash[] =>
  Array.from({ length: bytes.length / 32 }, (_, i) => bytes.subarray(i * 32, i * 32 + 32));

export async function migrateAuditLog(pool: Pool): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [DDL_LOCK]);
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
    await client.query('BEGIN');
    const { rows } = await client.query<{ position: string }>(
      'SELECT position FROM audit_checkpoint WHERE id = 1 FOR UPDATE',
    );
    const result = await work(client, Number(rows[0].position));
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

const lookup = async (client: PoolClient, table: string, key: string, ids: string[]): Promise<Map<string, string>> => {
  if (ids.length === 0) return new Map();
  const { rows } = await client.query<{ k: string; tenant_id: string }>(
    `SELECT ${key} AS k, tenant_id FROM ${table} WHERE ${key} = ANY($1::text[])`,
    [ids],
  );
  return new Map(rows.map((r) => [r.k, r.tenant_id]));
};

/**
 * Appends the next batch of the global order to the tenants' trees: leaves, every perfect node completed, the trees'
 * right edges and the checkpoint, in one transaction. Returns how many events it took (0: caught up).
 */
export async function ingestBatch(pool: Pool, store: EventStore, maxCount: number): Promise<number> {
  return underWriterLock(pool, async (client, checkpoint) => {
    const batch = await store.readAll({ after: checkpoint < 0 ? undefined : checkpoint, maxCount });
    const events = batch.events;
    const resumeAfter = Math.max(batch.lastPosition, batch.scannedPosition ?? -1);
    if (events.length === 0) {
      if (resumeAfter > checkpoint)
        await client.query('UPDATE audit_checkpoint SET position = $1 WHERE id = 1', [resumeAfter]);
      return 0;
    }
    const streams = await lookup(client, 'audit_stream_tenants', 'stream_id', [
      ...new Set(events.map((e) => e.streamId)),
    ]);
    const customers = await lookup(client, 'audit_customer_partners', 'customer_id', [
      ...new Set(events.map(customerNamedBy).filter((c): c is string => c !== undefined)),
    ]);
    const newStreams: [string, string][] = [];
    const newCustomers: [string, string][] = [];
    const tenants = events.map((e) => {
      const tenant = tenantOf(e, streams.get(e.streamId), (c) => customers.get(c));
      if (!streams.has(e.streamId)) {
        streams.set(e.streamId, tenant);
        newStreams.push([e.streamId, tenant]);
      }
      const customer = customerNamedBy(e);
      const partner = partnerNamedBy(e);
      if (customer && partner && !customers.has(customer)) {
        customers.set(customer, partner);
        newCustomers.push([customer, partner]);
      }
      return tenant;
    });
    const trees = await loadTrees(client, [...new Set(tenants)]);
    const leaves: { tenant: string[]; index: number[]; position: number[]; id: string[] } = {
      tenant: [],
      index: [],
      position: [],
      id: [],
    };
    const nodes: { tenant: string[]; level: number[]; index: number[]; hash: Buffer[] } = {
      tenant: [],
      level: [],
      index: [],
      hash: [],
    };
    events.forEach((e: RecordedEvent, i) => {
      const tenant = tenants[i];
      const tree = trees.get(tenant) as CompactRange;
      leaves.tenant.push(tenant);
      leaves.index.push(tree.size);
      leaves.position.push(e.globalPosition);
      leaves.id.push(e.eventId);
      for (const n of tree.append(leafHash(Buffer.from(canonicalEventLine(auditEventOf(e)), 'utf8')))) {
        nodes.tenant.push(tenant);
        nodes.level.push(n.level);
        nodes.index.push(n.index);
        nodes.hash.push(n.hash);
      }
    });
    await client.query(
      `INSERT INTO audit_leaves (tenant_id, leaf_index, global_position, event_id)
       SELECT * FROM unnest($1::text[], $2::bigint[], $3::bigint[], $4::text[])`,
      [leaves.tenant, leaves.index, leaves.position, leaves.id],
    );
    await client.query(
      `INSERT INTO audit_nodes (tenant_id, level, idx, hash) SELECT * FROM unnest($1::text[], $2::smallint[], $3::bigint[], $4::bytea[])`,
      [nodes.tenant, nodes.level, nodes.index, nodes.hash],
    );
    const treeRows = [...trees.entries()];
    await client.query(
      `INSERT INTO audit_trees (tenant_id, tree_size, frontier) SELECT * FROM unnest($1::text[], $2::bigint[], $3::bytea[])
       ON CONFLICT (tenant_id) DO UPDATE SET tree_size = EXCLUDED.tree_size, frontier = EXCLUDED.frontier`,
      [
        treeRows.map(([t]) => t),
        treeRows.map(([, r]) => r.size),
        treeRows.map(([, r]) => Buffer.concat(r.frontier as Hash[])),
      ],
    );
    if (newStreams.length > 0) {
      await client.query(
        `INSERT INTO audit_stream_tenants (stream_id, tenant_id) SELECT * FROM unnest($1::text[], $2::text[]) ON CONFLICT DO NOTHING`,
        [newStreams.map(([s]) => s), newStreams.map(([, t]) => t)],
      );
    }
    if (newCustomers.length > 0) {
      await client.query(
        `INSERT INTO audit_customer_partners (customer_id, tenant_id) SELECT * FROM unnest($1::text[], $2::text[]) ON CONFLICT DO NOTHING`,
        [newCustomers.map(([c]) => c), newCustomers.map(([, t]) => t)],
      );
    }
    await client.query('UPDATE audit_checkpoint SET position = $1 WHERE id = 1', [resumeAfter]);
    return events.length;
  });
}

async function loadTrees(client: PoolClient, tenants: string[]): Promise<Map<string, CompactRange>> {
  const { rows } = await client.query<{ tenant_id: string; tree_size: string; frontier: Buffer }>(
    'SELECT tenant_id, tree_size, frontier FROM audit_trees WHERE tenant_id = ANY($1::text[])',
    [tenants],
  );
  const trees = new Map(rows.map((r) => [r.tenant_id, new CompactRange(Number(r.tree_size), frontierOf(r.frontier))]));
  for (const t of tenants) if (!trees.has(t)) trees.set(t, new CompactRange());
  return trees;
}

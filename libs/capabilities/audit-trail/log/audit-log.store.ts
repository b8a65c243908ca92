import type { Pool, PoolClient } from 'pg';
import { inTransaction } from '@csp/event-sourcing';
import { Hash } from '../verification/merkle';
import { AUDIT_LOG_DDL, AUDIT_LOG_VERSION, AUDIT_VERSION_DDL, DERIVED_TABLES } from './audit-log.schema';

/** Events appended to the trees per transaction, at most (a round takes as many as it needs). */
export const INGEST_BATCH = 2000;

/** Serialises the DDL of processes starting together (CREATE IF NOT EXISTS is not race-free). */
const DDL_LOCK = 0x617564; // 'aud'

export const frontierOf = (bytes: Buffer): Hash[] =>
  Array.from({ length: bytes.length / 32 }, (_, i) => bytes.subarray(i * 32, i * 32 + 32));

/**
 * Creates the tables, or upgrades an older layout: its derived tables dropped and the checkpoint moved back to the
 * start, so that the producer rebuilds the trees from the event store (digests and keys stay: see the schema).
 */
export function migrateAuditLog(pool: Pool): Promise<void> {
  return inTransaction(pool, async (client) => {
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
  });
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

/** The checkpoint: the global position the trees hold every event up to (-1: none yet). */
export async function readCheckpoint(pool: Pool): Promise<number> {
  const { rows } = await pool.query<{ position: string }>('SELECT position FROM audit_checkpoint WHERE id = 1');
  return Number(rows[0]?.position ?? -1);
}

import type { PoolClient } from 'pg';
import type { Projection } from '../projections/projection';

/** Channel the runner notifies (payload `name:position`) after each committed batch. */
export const CHECKPOINT_CHANNEL = 'read_model_checkpoints';

/** Serialises the projections' DDL across processes (CREATE … IF NOT EXISTS races otherwise); the key predates the word. */
const MIGRATE_LOCK = 'read-models:migrate';

export const CHECKPOINTS_DDL = `CREATE TABLE IF NOT EXISTS read_model_checkpoints (
  projection text PRIMARY KEY,
  position bigint NOT NULL DEFAULT 0,
  version integer NOT NULL DEFAULT 1,
  updated_at timestamptz NOT NULL DEFAULT now()
)`;

/** Creates the checkpoint table and the projections' tables, in one transaction under a lock. */
export async function migrateProjections(client: PoolClient, projections: readonly Projection[]): Promise<void> {
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [MIGRATE_LOCK]);
    await client.query(CHECKPOINTS_DDL);
    for (const projection of projections) await projection.migrate(client);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

/** The advisory-lock key text of a projection (hashed with hashtext() in SQL). */
export const projectionLockKey = (name: string): string => `projection:${name}`;

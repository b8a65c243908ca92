import type { Pool } from 'pg';
import { migrateProjections } from '../checkpoints/checkpoint.schema';
import type { Projection } from './projection';

/** Creates the checkpoint table and the given projections' tables (idempotent; the api calls it at start-up). */
export async function migrateProjectionTables(pool: Pool, projections: readonly Projection[]): Promise<void> {
  const client = await pool.connect();
  try {
    await migrateProjections(client, projections);
  } finally {
    client.release();
  }
}

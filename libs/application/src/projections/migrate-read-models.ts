import type { Pool } from 'pg';
import { migrateProjections, PROJECTIONS } from '@csp/read-models';

/** Creates the checkpoint table and every projection's tables (idempotent; safe from several processes). */
export async function migrateReadModels(pool: Pool): Promise<void> {
  const client = await pool.connect();
  try {
    await migrateProjections(client, PROJECTIONS);
  } finally {
    client.release();
  }
}

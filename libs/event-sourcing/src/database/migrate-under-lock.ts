import type { Pool } from 'pg';
import { inTransaction } from './in-transaction';

/**
 * Runs DDL in one transaction under a transaction-level advisory lock named `lockName`: idempotent and safe from
 * several processes at once (two processes starting together on a new database would otherwise race on
 * CREATE TABLE IF NOT EXISTS, a unique violation in pg_type, and one would not start).
 */
export function migrateUnderLock(pool: Pool, lockName: string, statements: readonly string[]): Promise<void> {
  return inTransaction(pool, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [lockName]);
    for (const statement of statements) await client.query(statement);
  });
}

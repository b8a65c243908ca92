import type { PoolClient } from 'pg';
import type { MigrateOptions } from '../projection';

/** Runs a projection's DDL: its tables and the indexes apply needs, then (unless left out) the query-only indexes. */
export async function migrateDdl(
  client: PoolClient,
  ddl: readonly string[],
  queryIndexes: readonly string[],
  options: MigrateOptions = {},
): Promise<void> {
  for (const statement of ddl) await client.query(statement);
  if (options.queryIndexes === false) return;
  for (const statement of queryIndexes) await client.query(statement);
}

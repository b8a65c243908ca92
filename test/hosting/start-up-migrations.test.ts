import type { Pool } from 'pg';
import { migrateProjectionTables } from '@csp/event-sourcing';
import { migratePropagation } from '@csp/capabilities/propagation';
import { KeyVaultStore, LicensingRevocations } from '@csp/capabilities/key-pool';
import { SupportAttachmentStore } from '../../libs/capabilities/support/submit-support-request/support-attachment.store';
import { PROJECTIONS } from '../../apps/worker/src/projections';
import { createTestDatabase, testPool, type TestDatabase } from '../support/database';

/** Processes that start together on a new database, as two api replicas (or API_WORKERS) do. */
const PROCESSES = 6;

/**
 * Every api process creates the tables it reads at start-up (CREATE … IF NOT EXISTS). Two sessions doing that at
 * the same moment race in PostgreSQL's catalog (a unique violation in pg_type), so each migration takes an advisory
 * lock: the scale-out chaos test once lost an api to the support attachments' table, which took none.
 */
describe('start-up migrations from several processes at once, on a new database', () => {
  let db: TestDatabase;
  const pools: Pool[] = [];

  beforeEach(async () => {
    db = await createTestDatabase('csp_migrate');
    for (let i = 0; i < PROCESSES; i++) pools.push(testPool({ connectionString: db.url, max: 1 }));
  });
  afterEach(async () => {
    await Promise.all(pools.splice(0).map((p) => p.end()));
    await db.drop();
  });

  it.each([
    ['the support attachments', (pool: Pool) => new SupportAttachmentStore(pool).migrate()],
    ['propagation', (pool: Pool) => migratePropagation(pool)],
    ['the key vault', (pool: Pool) => new KeyVaultStore(pool).migrate()],
    ['the licensing revocations', (pool: Pool) => new LicensingRevocations(pool).migrate()],
    ['the projections', (pool: Pool) => migrateProjectionTables(pool, PROJECTIONS)],
  ])('%s: every process succeeds', async (_name, migrate) => {
    const outcomes = await Promise.allSettled(pools.map((pool) => migrate(pool)));
    expect(outcomes.filter((o) => o.status === 'rejected')).toEqual([]);
  });
});

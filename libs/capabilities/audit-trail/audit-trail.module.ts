import { Inject, Module, OnApplicationBootstrap } from '@nestjs/common';
import type { Pool } from 'pg';
import { DATABASE_POOL } from '@csp/event-sourcing';
import { AuditTrailController } from './audit-trail.controller';
import { migrateAuditLog } from './log/audit-log.store';

/** The Auditor's endpoints: keys, digests, proofs and the NDJSON export. Needs EventSourcingModule and PartnersModule (global). */
@Module({
  controllers: [AuditTrailController],
})
export class AuditTrailModule implements OnApplicationBootstrap {
  constructor(@Inject(DATABASE_POOL) private readonly pool: Pool) {}

  /** An api process may start before any worker: the tables must be there to answer. */
  async onApplicationBootstrap(): Promise<void> {
    await migrateAuditLog(this.pool);
  }
}

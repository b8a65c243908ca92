import { Inject, Module, OnApplicationBootstrap } from '@nestjs/common';
import type { Pool } from 'pg';
import {
  CustomerAccess,
  DATABASE_POOL,
  domainDataProvider,
  StreamCommands,
  TenantDirectory,
} from './audit-trail.dependencies';
import { AuditTrailController } from './audit-trail.controller';
import { migrateAuditLog } from './log/audit-log.store';

/** The Auditor's endpoints: keys, digests, proofs and the NDJSON export. Needs the infrastructure module. */
@Module({
  controllers: [AuditTrailController],
  // What the access guard of @Permit needs in this module.
  providers: [domainDataProvider, StreamCommands, TenantDirectory, CustomerAccess],
})
export class AuditTrailModule implements OnApplicationBootstrap {
  constructor(@Inject(DATABASE_POOL) private readonly pool: Pool) {}

  /** An api process may start before any worker: the tables must be there to answer. */
  async onApplicationBootstrap(): Promise<void> {
    await migrateAuditLog(this.pool);
  }
}

import { Module } from '@nestjs/common';
import type { Pool } from 'pg';
import { DATABASE_POOL } from '@csp/event-sourcing';
import { AuditRecordsController } from './audit-records.controller';
import { AuditRecordsService } from './audit-records.service';
import { AuditRecordsQuery } from './projections/audit-records.query';

/** The activity log (audit records of key reveals, download links, downloads, orders) for auditors. */
@Module({
  controllers: [AuditRecordsController],
  providers: [
    AuditRecordsService,
    { provide: AuditRecordsQuery, inject: [DATABASE_POOL], useFactory: (pool: Pool) => new AuditRecordsQuery(pool) },
  ],
})
export class ActivityModule {}

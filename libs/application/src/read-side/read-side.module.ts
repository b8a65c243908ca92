import { Module } from '@nestjs/common';
import type { Pool } from 'pg';
import { AuditRecordsQuery, CheckpointWatcher, CreditsQuery } from '@csp/read-models';
import { DATABASE_POOL } from '../infrastructure/database-pool';
import { CustomerAccess } from '../shared/customer-access';
import { TenantDirectory } from '../shared/tenant-directory';
import { domainDataProvider } from '../shared/domain-data.provider';
import { OrderAccess } from '../shared/order-access';
import { CHECKPOINT_WATCHER, ReadYourWrites } from '../shared/read-your-writes';
import { StreamCommands } from '@csp/event-sourcing/command-handling';
import { AuditRecordsService } from './audit-records.service';
import { CreditsService } from './credits.service';
import { EventFeedService } from './event-feed.service';
import { AuditRecordsController, CreditsController, EventHistoryController } from './read-side.controller';

/**
 * The read side for auditors and finance: the activity log, invoice credits, the event feed and order
 * histories. Self-contained (its own read-your-writes watcher and access checks) so that the application
 * module only imports it. Needs the infrastructure module (pool, event store, clock), which is global.
 */
@Module({
  controllers: [AuditRecordsController, CreditsController, EventHistoryController],
  providers: [
    domainDataProvider,
    StreamCommands,
    TenantDirectory,
    CustomerAccess,
    OrderAccess,
    ReadYourWrites,
    AuditRecordsService,
    CreditsService,
    EventFeedService,
    { provide: CHECKPOINT_WATCHER, inject: [DATABASE_POOL], useFactory: (pool: Pool) => new CheckpointWatcher(pool) },
    { provide: AuditRecordsQuery, inject: [DATABASE_POOL], useFactory: (pool: Pool) => new AuditRecordsQuery(pool) },
    { provide: CreditsQuery, inject: [DATABASE_POOL], useFactory: (pool: Pool) => new CreditsQuery(pool) },
  ],
})
export class ReadSideModule {}

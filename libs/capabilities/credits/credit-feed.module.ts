import { Inject, Module, OnModuleInit } from '@nestjs/common';
import type { Pool } from 'pg';
import { CheckpointWatcher, migrateReadModels } from '@csp/read-models';
import { DATABASE_POOL } from '@csp/application/infrastructure/database-pool';
import { CustomerAccess } from '@csp/application/shared/customer-access';
import { domainDataProvider } from '@csp/application/shared/domain-data.provider';
import { CHECKPOINT_WATCHER, ReadYourWrites } from '@csp/application/shared/read-your-writes';
import { StreamCommands } from '@csp/event-sourcing/command-handling';
import { TenantDirectory } from '@csp/application/shared/tenant-directory';
import { CloseStatementHandler } from './close-statement/close-statement.handler';
import { CreditFeedController } from './credit-feed.controller';
import { creditLedgerProjection } from './ledger/credit-ledger.projection';
import { CreditLedgerQuery } from './ledger/credit-ledger.query';

/** The finance feeds over HTTP: the credit change feed and the monthly statements (BillingAdmin). */
@Module({
  controllers: [CreditFeedController],
  providers: [
    domainDataProvider,
    StreamCommands,
    TenantDirectory,
    CustomerAccess,
    ReadYourWrites,
    CloseStatementHandler,
    { provide: CHECKPOINT_WATCHER, inject: [DATABASE_POOL], useFactory: (pool: Pool) => new CheckpointWatcher(pool) },
    { provide: CreditLedgerQuery, inject: [DATABASE_POOL], useFactory: (pool: Pool) => new CreditLedgerQuery(pool) },
  ],
})
export class CreditFeedModule implements OnModuleInit {
  constructor(@Inject(DATABASE_POOL) private readonly pool: Pool) {}

  /** The ledger's tables exist before the first request, whether or not a worker ran yet. */
  async onModuleInit(): Promise<void> {
    await migrateReadModels(this.pool, [creditLedgerProjection]);
  }
}

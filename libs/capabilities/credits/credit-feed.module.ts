import { Inject, Module, OnModuleInit } from '@nestjs/common';
import type { Pool } from 'pg';
import { DATABASE_POOL, migrateProjectionTables } from '@csp/event-sourcing';
import { CloseStatementHandler } from './close-statement/close-statement.handler';
import { CreditFeedController } from './credit-feed.controller';
import { creditLedgerProjection } from './ledger/credit-ledger.projection';
import { CreditLedgerQuery } from './ledger/credit-ledger.query';

/** The finance feeds over HTTP: the credit change feed and the monthly statements (BillingAdmin). */
@Module({
  controllers: [CreditFeedController],
  providers: [
    CloseStatementHandler,
    { provide: CreditLedgerQuery, inject: [DATABASE_POOL], useFactory: (pool: Pool) => new CreditLedgerQuery(pool) },
  ],
})
export class CreditFeedModule implements OnModuleInit {
  constructor(@Inject(DATABASE_POOL) private readonly pool: Pool) {}

  /** The ledger's tables exist before the first request, whether or not a worker ran yet. */
  async onModuleInit(): Promise<void> {
    await migrateProjectionTables(this.pool, [creditLedgerProjection]);
  }
}

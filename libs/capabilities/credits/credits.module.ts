import { Module } from '@nestjs/common';
import type { Pool } from 'pg';
import { DATABASE_POOL } from '@csp/event-sourcing';
import { CloseStatementHandler } from './close-statement/close-statement.handler';
import { CreditFeedController } from './credit-feed.controller';
import { CreditsController } from './credits.controller';
import { ReadStatementsService } from './get-statement/read-statements.service';
import { ListCreditChangesService } from './list-credit-changes/list-credit-changes.service';
import { ListCreditsService } from './list-credits/list-credits.service';
import { CreditLedgerQuery } from './projections/credit-ledger.query';

/**
 * Invoice credits, HTTP side (BillingAdmin): a month's credits (GET /v1/credits), the credit change feed and the
 * monthly statements, every read over the credit ledger. The ledger's projection runs with the worker's others.
 */
@Module({
  controllers: [CreditsController, CreditFeedController],
  providers: [
    ListCreditsService,
    ListCreditChangesService,
    ReadStatementsService,
    CloseStatementHandler,
    { provide: CreditLedgerQuery, inject: [DATABASE_POOL], useFactory: (pool: Pool) => new CreditLedgerQuery(pool) },
  ],
})
export class CreditsModule {}

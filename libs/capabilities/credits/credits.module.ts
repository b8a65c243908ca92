import { Module } from '@nestjs/common';
import type { Pool } from 'pg';
import { DATABASE_POOL } from '@csp/event-sourcing';
import { CreditsController } from './credits.controller';
import { CreditsService } from './credits.service';
import { CreditsQuery } from './projections/credits.query';

/** Invoice credits of cancelled line items, per billing period, for finance. */
@Module({
  controllers: [CreditsController],
  providers: [
    CreditsService,
    { provide: CreditsQuery, inject: [DATABASE_POOL], useFactory: (pool: Pool) => new CreditsQuery(pool) },
  ],
})
export class CreditsModule {}

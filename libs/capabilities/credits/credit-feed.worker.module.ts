import { BeforeApplicationShutdown, Inject, Injectable, Logger, Module, OnApplicationBootstrap } from '@nestjs/common';
import type { Pool } from 'pg';
import { EVENT_STORE, type EventStore } from '@csp/event-store';
import { ProjectionRunner, DATABASE_POOL } from '@csp/event-sourcing';
import { creditLedgerProjection } from './ledger/credit-ledger.projection';

/** Runs the credit ledger (one active instance across workers: the runner's advisory lock). */
@Injectable()
export class CreditLedgerHost implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('CreditLedger');
  readonly runner: ProjectionRunner;

  constructor(@Inject(DATABASE_POOL) pool: Pool, @Inject(EVENT_STORE) store: EventStore) {
    this.runner = new ProjectionRunner({
      pool,
      eventStore: store,
      projection: creditLedgerProjection,
      logger: {
        info: (m: string) => this.logger.log(m),
        warn: (m: string) => this.logger.warn(m),
        error: (m: string) => this.logger.error(m),
      },
    });
  }

  onApplicationBootstrap(): void {
    this.runner.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.runner.stop();
  }
}

@Module({ providers: [CreditLedgerHost], exports: [CreditLedgerHost] })
export class CreditFeedWorkerModule {}

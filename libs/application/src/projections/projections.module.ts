import { Inject, Injectable, Logger, Module, OnApplicationBootstrap, BeforeApplicationShutdown } from '@nestjs/common';
import type { Pool } from 'pg';
import { EVENT_STORE, EventStore } from '@csp/event-store';
import { migrateReadModels, PROJECTIONS, ProjectionRunnerGroup } from '@csp/read-models';
import { DATABASE_POOL } from '../infrastructure/database-pool';

/**
 * Hosts the projection runners in a worker (or in the single `npm start` process). Each runner holds an
 * advisory lock, so running several workers is safe: one applies, the others stand by and take over.
 */
@Injectable()
export class ProjectionsHost implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Projections');
  readonly group: ProjectionRunnerGroup;

  constructor(
    @Inject(DATABASE_POOL) private readonly pool: Pool,
    @Inject(EVENT_STORE) store: EventStore,
  ) {
    this.group = new ProjectionRunnerGroup({
      pool,
      eventStore: store,
      projections: PROJECTIONS,
      logger: {
        info: (m: string) => this.logger.log(m),
        warn: (m: string) => this.logger.warn(m),
        error: (m: string) => this.logger.error(m),
      },
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await migrateReadModels(this.pool);
    this.group.start();
    this.logger.log(`running ${PROJECTIONS.map((p) => p.name).join(', ')}`);
  }

  /** Before the infrastructure closes its pools: in-flight batches finish on live connections. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.group.stop();
  }
}

@Module({ providers: [ProjectionsHost], exports: [ProjectionsHost] })
export class ProjectionsModule {}

import {
  BeforeApplicationShutdown,
  DynamicModule,
  Inject,
  Injectable,
  Logger,
  Module,
  OnApplicationBootstrap,
} from '@nestjs/common';
import type { Pool } from 'pg';
import { EVENT_STORE, EventStore } from '@csp/event-store';
import { DATABASE_POOL } from '../database/database-pool';
import { migrateProjectionTables } from './migrate-projection-tables';
import type { Projection } from './projection';
import { ProjectionRunnerGroup } from './projection-runner-group';

/** The projections a worker runs, chosen by its hosting module. */
export const PROJECTIONS = Symbol('PROJECTIONS');

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
    @Inject(PROJECTIONS) private readonly projections: readonly Projection[],
  ) {
    this.group = new ProjectionRunnerGroup({
      pool,
      eventStore: store,
      projections,
      logger: {
        info: (m: string) => this.logger.log(m),
        warn: (m: string) => this.logger.warn(m),
        error: (m: string) => this.logger.error(m),
      },
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await migrateProjectionTables(this.pool, this.projections);
    this.group.start();
    this.logger.log(`running ${this.projections.map((p) => p.name).join(', ')}`);
  }

  /** Before the event-sourcing module closes its pools: in-flight batches finish on live connections. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.group.stop();
  }
}

/** The worker side of projections: runs the given projections from their checkpoints. */
@Module({})
export class ProjectionsWorkerModule {
  static forRoot(projections: readonly Projection[]): DynamicModule {
    return {
      module: ProjectionsWorkerModule,
      providers: [{ provide: PROJECTIONS, useValue: projections }, ProjectionsHost],
      exports: [ProjectionsHost],
    };
  }
}

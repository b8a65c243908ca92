import type { EventStore } from '@csp/event-store';
import type { Pool } from 'pg';
import type { Projection } from './projection';
import { CheckpointWatcher } from '../checkpoints/checkpoint-watcher';
import { ProjectionRunner, type ProjectionRunnerOptions, type ProjectionStatus } from './projection-runner';
import type { ProjectionLogger } from './projection.logger';

export type ProjectionRunnerGroupOptions = Omit<ProjectionRunnerOptions, 'projection' | 'watcher'> & {
  projections: readonly Projection[];
  logger?: ProjectionLogger;
};

/** The worker's set of runners, sharing one checkpoint watcher (one LISTEN connection). */
export class ProjectionRunnerGroup {
  readonly watcher: CheckpointWatcher;
  private readonly runners = new Map<string, ProjectionRunner>();

  constructor(options: ProjectionRunnerGroupOptions & { pool: Pool; eventStore: EventStore }) {
    this.watcher = new CheckpointWatcher(options.pool, { logger: options.logger });
    for (const projection of options.projections) {
      this.runners.set(projection.name, new ProjectionRunner({ ...options, projection, watcher: this.watcher }));
    }
  }

  start(): void {
    for (const runner of this.runners.values()) runner.start();
  }

  async stop(): Promise<void> {
    await Promise.all([...this.runners.values()].map((r) => r.stop()));
    await this.watcher.close();
  }

  runner(name: string): ProjectionRunner {
    const runner = this.runners.get(name);
    if (!runner) throw new Error(`unknown projection ${name}`);
    return runner;
  }

  status(): Promise<ProjectionStatus[]> {
    return Promise.all([...this.runners.values()].map((r) => r.status()));
  }

  waitForPosition(name: string, minPosition: number, timeoutMs: number): Promise<boolean> {
    return this.runner(name).waitForPosition(minPosition, timeoutMs);
  }
}

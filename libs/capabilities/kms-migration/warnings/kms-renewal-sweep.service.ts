import { Inject, Injectable } from '@nestjs/common';
import type { Pool } from 'pg';
import { KmsDeviceGroupsQuery, KmsWarningKind } from '../projections/kms-device-groups.query';
import { DATABASE_POOL, CLOCK, Clock } from '@csp/event-sourcing';
import { RecordRenewalWarningService } from './record-renewal-warning.service';

export type SweepResult = {
  checked: number;
  appended: { customerId: string; groupId: string; kind: KmsWarningKind }[];
};

/**
 * The reconciler behind the delayed jobs: finds groups whose warning is due at the clock's now and not yet
 * recorded (by the kms-device-groups projection's rows), and appends it through StreamCommands, which re-checks on the plan's stream. Safe to
 * run concurrently and repeatedly: a warning is recorded once.
 */
@Injectable()
export class KmsRenewalSweep {
  private readonly query: KmsDeviceGroupsQuery;

  constructor(
    @Inject(DATABASE_POOL) pool: Pool,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly warnings: RecordRenewalWarningService,
  ) {
    this.query = new KmsDeviceGroupsQuery(pool);
  }

  async run(): Promise<SweepResult> {
    const due = await this.query.dueWarnings(this.clock.now());
    const appended: SweepResult['appended'] = [];
    for (const w of due) {
      if (await this.warnings.record(w.customerId, w.groupId, w.kind, 'kms-renewal-sweep')) appended.push(w);
    }
    return { checked: due.length, appended };
  }
}

import { Inject, Injectable, Provider } from '@nestjs/common';
import type { EventMetadata } from '@csp/event-store';
import {
  createKmsMigrationDecider,
  Decider,
  DomainError,
  defaultKmsMigrationPolicies,
  isGuid,
  isPlacedOrder,
  KmsMigrationCommand,
  KmsMigrationEvent,
  KmsMigrationPolicyBook,
  KmsMigrationState,
  kmsMigrationStreamId,
  orderDecider,
} from '@csp/domain';
import { orderStreamId } from '@csp/capabilities/orders';
import { LoadedStream, StreamCommandExecutor, StreamCommandResult } from '@csp/event-sourcing';

/** The versioned KMS migration rules from config/, validated once at boot. */
export const KMS_MIGRATION_POLICIES = Symbol('KMS_MIGRATION_POLICIES');

export const kmsMigrationPoliciesProvider: Provider = {
  provide: KMS_MIGRATION_POLICIES,
  useFactory: (): KmsMigrationPolicyBook => defaultKmsMigrationPolicies(),
};

/** A customer's migration plan stream: load it, or decide a command on it through the executor. */
@Injectable()
export class KmsMigrationPlans {
  readonly decider: Decider<KmsMigrationCommand, KmsMigrationEvent, KmsMigrationState>;

  constructor(
    private readonly executor: StreamCommandExecutor,
    @Inject(KMS_MIGRATION_POLICIES) readonly policies: KmsMigrationPolicyBook,
  ) {
    this.decider = createKmsMigrationDecider(() => this.policies);
  }

  now(): Date {
    return this.executor.context().now;
  }

  load(customerId: string): Promise<LoadedStream<KmsMigrationState>> {
    return this.executor.load(kmsMigrationStreamId(customerId), this.decider);
  }

  execute(
    customerId: string,
    command: KmsMigrationCommand,
    metadata?: Partial<EventMetadata>,
  ): Promise<StreamCommandResult<KmsMigrationState>> {
    return this.executor.execute(kmsMigrationStreamId(customerId), this.decider, command, { metadata });
  }

  /** Decides `command` on the current plan without appending: the DomainError it would raise, if any. */
  async dryRun(customerId: string, command: KmsMigrationCommand): Promise<DomainError | undefined> {
    const { state } = await this.load(customerId);
    try {
      this.decider.decide(command, state, this.executor.context());
      return undefined;
    } catch (error) {
      if (error instanceof DomainError) return error;
      throw error;
    }
  }

  /**
   * Which of `orderIds` are orders of this customer (a covering order must be). The domain only compares,
   * so the lookup happens here; malformed ids are left for the domain to name.
   */
  async customerOrderIds(customerId: string, orderIds: readonly (string | null | undefined)[]): Promise<string[]> {
    const ids = [...new Set(orderIds.filter(isGuid).map((id) => id.toLowerCase()))];
    const found: string[] = [];
    for (let i = 0; i < ids.length; i += 20) {
      const batch = ids.slice(i, i + 20);
      const loaded = await Promise.all(batch.map((id) => this.executor.load(orderStreamId(id), orderDecider)));
      loaded.forEach(({ state }, j) => {
        if (isPlacedOrder(state) && state.customerId === customerId) found.push(batch[j]);
      });
    }
    return found;
  }
}

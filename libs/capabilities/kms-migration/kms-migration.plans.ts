import { Inject, Injectable, Provider } from '@nestjs/common';
import {
  deciderOf,
  DomainError,
  defaultKmsMigrationPolicies,
  isGuid,
  isPlacedOrder,
  KmsMigrationCommand,
  KmsMigrationPolicyBook,
  KmsMigrationState,
} from '@csp/domain';
import { type LoadedStream, StreamCommands } from '@csp/event-sourcing';

/** The versioned KMS migration rules from config/, validated once at boot (the book the plan decider decides by). */
export const KMS_MIGRATION_POLICIES = Symbol('KMS_MIGRATION_POLICIES');

export const kmsMigrationPoliciesProvider: Provider = {
  provide: KMS_MIGRATION_POLICIES,
  useFactory: (): KmsMigrationPolicyBook => defaultKmsMigrationPolicies(),
};

/**
 * What the plan's handlers and views need besides the command itself: the policy book, now, a dry run of a
 * command (to name every issue of a file at once) and which orders are the customer's. Commands go through
 * StreamCommands like every other stream.
 */
@Injectable()
export class KmsMigrationPlans {
  constructor(
    private readonly streams: StreamCommands,
    @Inject(KMS_MIGRATION_POLICIES) readonly policies: KmsMigrationPolicyBook,
  ) {}

  now(): Date {
    return this.streams.context().now;
  }

  load(customerId: string): Promise<LoadedStream<KmsMigrationState>> {
    return this.streams.load('kmsMigration', customerId);
  }

  /** Decides `command` on the current plan without appending: the DomainError it would raise, if any. */
  async dryRun(customerId: string, command: KmsMigrationCommand): Promise<DomainError | undefined> {
    const { state } = await this.load(customerId);
    try {
      deciderOf('kmsMigration').decide(command, state, this.streams.context());
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
      const loaded = await Promise.all(batch.map((id) => this.streams.load('order', id)));
      loaded.forEach(({ state }, j) => {
        if (isPlacedOrder(state) && state.customerId === customerId) found.push(batch[j]);
      });
    }
    return found;
  }
}

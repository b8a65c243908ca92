import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { isDomainError, RenewalWarningKind } from '@csp/domain';
import { StreamCommands } from '@csp/event-sourcing';

export const KMS_WARNINGS_ACTOR = 'system:kms-renewal-warnings';

/** Appends a renewal warning to the plan stream; the decider makes it a no-op when not due or done. */
@Injectable()
export class RecordRenewalWarningService {
  private readonly logger = new Logger('KmsRenewalWarnings');

  constructor(private readonly streams: StreamCommands) {}

  /** True when a warning event was appended. */
  async record(customerId: string, groupId: string, kind: RenewalWarningKind, cause: string): Promise<boolean> {
    try {
      const result = await this.streams.handle(
        'kmsMigration',
        customerId,
        { type: 'RecordRenewalWarning', data: { groupId, kind } },
        {
          metadata: {
            userId: KMS_WARNINGS_ACTOR,
            upn: KMS_WARNINGS_ACTOR,
            causationId: cause,
            correlationId: randomUUID(),
          },
        },
      );
      return result.events.length > 0;
    } catch (error) {
      // A job for a group this database does not know cannot succeed on retry.
      if (isDomainError(error) && error.kind === 'not_found') {
        this.logger.warn(`no device group ${groupId} of customer ${customerId}: ${kind} warning dropped`);
        return false;
      }
      throw error;
    }
  }
}

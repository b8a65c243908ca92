import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import {
  canonicalStatementContent,
  hasPeriodEnded,
  isBillingPeriod,
  validationError,
  type StatementClosed,
  type StatementLine,
} from '@csp/domain';
import { EVENT_STORE, type EventStore } from '@csp/event-store';
import type { Principal } from '@csp/platform';
import type { CheckpointWatcher } from '@csp/event-sourcing';
import { CHECKPOINT_WATCHER, ReadModelBehindError, StreamCommandExecutor, commandMetadata } from '@csp/event-sourcing';
import {
  handleStreamCommand,
  type CommandHandlingEnv,
} from '@csp/event-sourcing/command-handling/handle-stream-command';
import { CREDIT_LEDGER } from '../ledger/credit-ledger.projection';
import { CreditLedgerQuery } from '../ledger/credit-ledger.query';

/** How long closing waits for the ledger to hold every credit written before it. */
const LEDGER_WAIT_MS = 5000;

/**
 * Closes a month: the ledger is awaited up to the store's head, so the statement holds every credit posted before
 * the request; then StatementClosed is appended to the month's own stream (a second close is 409).
 */
@Injectable()
export class CloseStatementHandler {
  constructor(
    private readonly executor: StreamCommandExecutor,
    private readonly ledger: CreditLedgerQuery,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CHECKPOINT_WATCHER) private readonly watcher: CheckpointWatcher,
  ) {}

  async execute(
    principal: Principal,
    period: unknown,
  ): Promise<{ statement: StatementClosed['data']; position?: number }> {
    if (!isBillingPeriod(period))
      throw validationError('period', 'invalid_period', 'period must be a month as YYYY-MM');
    const partner = principal.tenantId.toLowerCase();
    let lines: StatementLine[] = [];
    if (hasPeriodEnded(period, this.executor.context().now)) {
      const head = await this.store.headPosition();
      if (!(await this.watcher.waitForPosition(CREDIT_LEDGER, head, LEDGER_WAIT_MS)))
        throw new ReadModelBehindError(CREDIT_LEDGER, head);
      lines = await this.ledger.postedLines(partner, period);
    }
    const sha256 = createHash('sha256')
      .update(canonicalStatementContent(partner, period, lines))
      .digest('hex');
    const env: CommandHandlingEnv = {
      store: this.store,
      context: () => this.executor.context(),
      metadata: (extra) => commandMetadata(extra),
    };
    const result = await handleStreamCommand(env, 'statement', `${partner}-${period}`, {
      type: 'CloseStatement',
      data: {
        partnerTenantId: partner,
        period,
        lines,
        sha256,
        closedBy: { userId: principal.userId, upn: principal.upn },
      },
    });
    const event = result.streamEvents.find((e): e is StatementClosed => e.type === 'StatementClosed');
    if (!event) throw new Error('statement not recorded');
    return { statement: event.data, position: result.position };
  }
}

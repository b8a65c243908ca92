import { createHash } from 'node:crypto';
import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import {
  canonicalStatementContent,
  hasPeriodEnded,
  isBillingPeriod,
  validationError,
  type StatementClosed,
  type StatementLine,
} from '@csp/domain';
import { EVENT_STORE, type EventStore } from '@csp/event-store';
import type { CheckpointWatcher } from '@csp/event-sourcing';
import { CHECKPOINT_WATCHER, ReadModelBehindError, StreamCommands } from '@csp/event-sourcing';
import { creditLedgerProjection } from '../projections/credit-ledger.projection';
import { CreditLedgerQuery } from '../projections/credit-ledger.query';
import { CloseStatementCommand, CloseStatementResult } from './close-statement.command';

/** How long closing waits for the ledger to hold every credit written before it. */
const LEDGER_WAIT_MS = 5000;

/**
 * Closes a month: the ledger is awaited up to the store's head, so the statement holds every credit posted before
 * the request; then StatementClosed is appended to the month's own stream (a second close is 409).
 */
@CommandHandler(CloseStatementCommand)
export class CloseStatementHandler implements ICommandHandler<CloseStatementCommand> {
  constructor(
    private readonly streams: StreamCommands,
    private readonly ledger: CreditLedgerQuery,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CHECKPOINT_WATCHER) private readonly watcher: CheckpointWatcher,
  ) {}

  async execute({ principal, period }: CloseStatementCommand): Promise<CloseStatementResult> {
    if (!isBillingPeriod(period))
      throw validationError('period', 'invalid_period', 'period must be a month as YYYY-MM');
    const partner = principal.tenantId.toLowerCase();
    let lines: StatementLine[] = [];
    if (hasPeriodEnded(period, this.streams.context().now)) {
      const head = await this.store.headPosition();
      const ledger = creditLedgerProjection.name;
      if (!(await this.watcher.waitForPosition(ledger, head, LEDGER_WAIT_MS)))
        throw new ReadModelBehindError(ledger, head);
      lines = await this.ledger.postedLines(partner, period);
    }
    const sha256 = createHash('sha256')
      .update(canonicalStatementContent(partner, period, lines))
      .digest('hex');
    const result = await this.streams.handle('statement', `${partner}-${period}`, {
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

import type { DomainContext } from '../shared/context';
import type { Decider } from '../shared/decider';
import { DomainError, validationError } from '../shared/domain-error';
import { hasPeriodEnded, isBillingPeriod } from './billing-period';
import { sortStatementLines, statementTotals } from './statement';
import type { CloseStatement, StatementEvent, StatementState } from './statement.events';

/** Closing a month: once, and only after it has ended. */
export const decideStatement = (
  command: CloseStatement,
  state: StatementState,
  ctx: DomainContext,
): StatementEvent[] => {
  const d = command.data;
  if (!isBillingPeriod(d.period))
    throw validationError('period', 'invalid_period', 'period must be a month as YYYY-MM');
  if (state.status === 'closed') {
    throw new DomainError({
      code: 'statement_closed',
      kind: 'conflict',
      field: 'period',
      detail: `The statement of ${d.period} was closed at ${state.closedAt}; a closed statement never changes.`,
      data: { closedAt: state.closedAt, sha256: state.sha256 },
    });
  }
  if (!hasPeriodEnded(d.period, ctx.now)) {
    throw new DomainError({
      code: 'period_not_ended',
      kind: 'unprocessable',
      field: 'period',
      detail: `${d.period} has not ended yet: a month can be closed from the first day of the next one (UTC).`,
    });
  }
  const lines = sortStatementLines(d.lines);
  return [
    {
      type: 'StatementClosed',
      data: {
        partnerTenantId: d.partnerTenantId.toLowerCase(),
        period: d.period,
        lines,
        totals: statementTotals(lines),
        sha256: d.sha256,
        closedAt: ctx.now.toISOString(),
        closedBy: d.closedBy,
      },
    },
  ];
};

export const evolveStatement = (state: StatementState, event: StatementEvent): StatementState =>
  event.type === 'StatementClosed'
    ? { status: 'closed', closedAt: event.data.closedAt, sha256: event.data.sha256 }
    : state;

export const statementDecider: Decider<CloseStatement, StatementEvent, StatementState> = {
  decide: decideStatement,
  evolve: evolveStatement,
  initialState: () => ({ status: 'open' }),
};

import { Inject, Injectable, StreamableFile } from '@nestjs/common';
import { DomainError, isBillingPeriod, statementStreamId, validationError, type StatementClosed } from '@csp/domain';
import { EVENT_STORE, type EventStore, type RecordedEvent } from '@csp/event-store';
import { ReadYourWrites } from '@csp/event-sourcing';
import { csvFile, wantsCsv, type Principal } from '@csp/platform';
import type { StatementDto, StatementSummaryDto } from '../credits.response.dto';
import { creditLedgerProjection } from '../projections/credit-ledger.projection';
import { CreditLedgerQuery } from '../projections/credit-ledger.query';
import { STATEMENT_CSV_COLUMNS, statementView } from '../statement.view';

/** The closed months: listed from the ledger, each read from its own StatementClosed event (it never changes). */
@Injectable()
export class ReadStatementsService {
  constructor(
    private readonly ledger: CreditLedgerQuery,
    private readonly readYourWrites: ReadYourWrites,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  /** The partner's closed months, newest first. */
  async list(principal: Principal, minPosition: string | undefined): Promise<StatementSummaryDto[]> {
    const { page } = await this.readYourWrites.page(creditLedgerProjection.name, { minPosition }, async () => {
      const items = await this.ledger.statements(principal.tenantId.toLowerCase());
      return { items, totalCount: items.length, continuationToken: null };
    });
    return page.items.map(({ position: _p, ...s }) => s);
  }

  /** The month as it was closed, as JSON or as CSV of its lines. */
  async get(principal: Principal, period: string, accept: string | undefined): Promise<StatementDto | StreamableFile> {
    if (!isBillingPeriod(period))
      throw validationError('period', 'invalid_period', 'period must be a month as YYYY-MM');
    const stream = await this.store.readStream(statementStreamId(principal.tenantId, period));
    const closed = stream.events.find((e): e is RecordedEvent<StatementClosed> => e.type === 'StatementClosed');
    if (!closed) {
      throw new DomainError({
        code: 'statement_not_found',
        kind: 'not_found',
        detail: `${period} has not been closed; POST /v1/credits/statements closes it.`,
      });
    }
    const view = statementView(closed.data);
    if (!wantsCsv(accept)) return view;
    const rows = (async function* () {
      for (const line of view.lines) yield { ...line, period };
    })();
    return csvFile(rows, STATEMENT_CSV_COLUMNS, `statement_${period}.csv`);
  }
}

import { Injectable, StreamableFile } from '@nestjs/common';
import type { Money } from '@csp/domain';
import { ReadYourWrites } from '@csp/event-sourcing';
import {
  Collection,
  csvFile,
  CsvColumn,
  filteredCollection,
  parseGuidFilter,
  parseMinPosition,
  parsePeriod,
  type Principal,
} from '@csp/platform';
import { asCreditResource, creditedLineColumns } from '../credit-line.view';
import { creditLedgerProjection } from '../projections/credit-ledger.projection';
import { CreditLedgerQuery, type CreditFilter, type CreditLine } from '../projections/credit-ledger.query';

export interface ListCreditsRequest {
  period?: string;
  customerId?: string;
  size?: string;
  continuationToken?: string;
  minPosition?: string;
}

export type CreditsCollection = Collection<CreditLine & { attributes: { objectType: string } }> & { totals: Money[] };

// API.md's columns first, in their order; what came later after them.
const CSV_COLUMNS: CsvColumn<CreditLine>[] = [
  { header: 'id', value: (c) => c.id },
  { header: 'period', value: (c) => c.period },
  ...creditedLineColumns<CreditLine>(),
  { header: 'status', value: (c) => c.status },
  { header: 'postedAt', value: (c) => c.postedAt },
  { header: 'originalPeriod', value: (c) => c.originalPeriod },
  { header: 'statementPeriod', value: (c) => c.statementPeriod },
];

/**
 * GET /v1/credits: a partner's credits of the month they are invoiced in (the cancellation's month, or the next
 * open one when that was closed), totals per currency, paged or as CSV.
 */
@Injectable()
export class ListCreditsService {
  constructor(
    private readonly ledger: CreditLedgerQuery,
    private readonly readYourWrites: ReadYourWrites,
  ) {}

  private filter(principal: Principal, q: ListCreditsRequest): CreditFilter {
    return {
      partnerTenantId: principal.tenantId.toLowerCase(),
      period: parsePeriod(q.period),
      customerId: parseGuidFilter(q.customerId, 'customerId'),
    };
  }

  async list(principal: Principal, q: ListCreditsRequest): Promise<CreditsCollection> {
    const filter = this.filter(principal, q);
    const { page, size } = await this.readYourWrites.page(creditLedgerProjection.name, q, (p) =>
      this.ledger.list(filter, p),
    );
    const filters = { period: filter.period, customerId: filter.customerId };
    const items = page.items.map(asCreditResource);
    return { ...filteredCollection('/v1/credits', filters, { ...page, items }, size), totals: page.totals };
  }

  async csv(principal: Principal, q: ListCreditsRequest): Promise<StreamableFile> {
    const filter = this.filter(principal, q);
    await this.readYourWrites.await(creditLedgerProjection.name, parseMinPosition(q.minPosition));
    return csvFile(this.ledger.all(filter), CSV_COLUMNS, `credits_${filter.period}.csv`);
  }
}

import { Injectable, StreamableFile } from '@nestjs/common';
import type { Money } from '@csp/domain';
import type { Principal } from '@csp/platform';
import { CreditsQuery, type CreditFilter, type CreditLine } from './projections/credits.query';
import { creditsProjection } from './projections/credits.projection';
import {
  Collection,
  parseMinPosition,
  withObjectType,
  parseGuidFilter,
  parsePeriod,
  csvFile,
  CsvColumn,
  filteredCollection,
} from '@csp/platform';
import { ReadYourWrites } from '@csp/event-sourcing';

export interface CreditsRequest {
  period?: string;
  customerId?: string;
  size?: string;
  continuationToken?: string;
  minPosition?: string;
}

export type CreditsCollection = Collection<CreditLine> & { totals: Money[] };

const CSV_COLUMNS: CsvColumn<CreditLine>[] = [
  { header: 'id', value: (c) => c.id },
  { header: 'period', value: (c) => c.period },
  { header: 'customerId', value: (c) => c.customerId },
  { header: 'orderId', value: (c) => c.orderId },
  { header: 'lineItemNumber', value: (c) => c.lineItemNumber },
  { header: 'offerId', value: (c) => c.offerId },
  { header: 'friendlyName', value: (c) => c.friendlyName },
  { header: 'kind', value: (c) => c.kind },
  { header: 'basis', value: (c) => c.basis },
  { header: 'creditAmount', value: (c) => c.credit.amount },
  { header: 'currencyCode', value: (c) => c.credit.currencyCode },
  { header: 'taxInclusive', value: (c) => c.taxInclusive },
  { header: 'cancelledAt', value: (c) => c.cancelledAt },
  { header: 'status', value: (c) => c.status },
  { header: 'postedAt', value: (c) => c.postedAt },
];

/** Invoice credits for finance: a partner's billing period, totals per currency, paged or as CSV. */
@Injectable()
export class CreditsService {
  constructor(
    private readonly query: CreditsQuery,
    private readonly readYourWrites: ReadYourWrites,
  ) {}

  private filter(principal: Principal, q: CreditsRequest): CreditFilter {
    return {
      partnerTenantId: principal.tenantId.toLowerCase(),
      period: parsePeriod(q.period),
      customerId: parseGuidFilter(q.customerId, 'customerId'),
    };
  }

  async list(principal: Principal, q: CreditsRequest): Promise<CreditsCollection> {
    const filter = this.filter(principal, q);
    const { page, size } = await this.readYourWrites.page(creditsProjection.name, q, (p) => this.query.list(filter, p));
    const filters = { period: filter.period, customerId: filter.customerId };
    const items = page.items.map(withObjectType('Credit'));
    return { ...filteredCollection('/v1/credits', filters, { ...page, items }, size), totals: page.totals };
  }

  async csv(principal: Principal, q: CreditsRequest): Promise<StreamableFile> {
    const filter = this.filter(principal, q);
    await this.readYourWrites.await(creditsProjection.name, parseMinPosition(q.minPosition));
    return csvFile(this.query.all(filter), CSV_COLUMNS, `credits_${filter.period}.csv`);
  }
}

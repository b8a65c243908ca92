import { Injectable } from '@nestjs/common';
import { validationError } from '@csp/domain';
import { ReadYourWrites } from '@csp/event-sourcing';
import { linkTo, parseSize, type Principal } from '@csp/platform';
import type { CreditChangePageDto } from '../credits.response.dto';
import { asCreditResource } from '../credit-line.view';
import { creditLedgerProjection } from '../projections/credit-ledger.projection';
import { changeCursor, CreditLedgerQuery, parseChangeCursor } from '../projections/credit-ledger.query';

export interface ListCreditChangesRequest {
  after?: string;
  size?: string;
  minPosition?: string;
}

/**
 * GET /v1/credits/changes: every change of a partner's credit lines, in order, after a cursor (`position.seq`);
 * the page's `next` resumes it, so a consumer gets each change exactly once, after an outage too.
 */
@Injectable()
export class ListCreditChangesService {
  constructor(
    private readonly ledger: CreditLedgerQuery,
    private readonly readYourWrites: ReadYourWrites,
  ) {}

  async page(
    principal: Principal,
    { after, size, minPosition }: ListCreditChangesRequest,
  ): Promise<CreditChangePageDto> {
    const from = after === undefined || after === '' ? { position: 0, seq: 0 } : parseChangeCursor(after);
    if (!from) throw validationError('after', 'invalid_cursor', 'after is a cursor from this feed, such as 1234.0');
    const n = parseSize(size);
    const { page } = await this.readYourWrites.page(creditLedgerProjection.name, { minPosition }, async () => {
      const r = await this.ledger.changes(principal.tenantId.toLowerCase(), from, n);
      return { ...r, totalCount: r.items.length, continuationToken: null };
    });
    const next =
      page.items.length > 0 ? page.items[page.items.length - 1].cursor : changeCursor(from.position, from.seq);
    return {
      items: page.items.map((c) => ({ ...c, credit: asCreditResource(c.credit) })),
      next,
      hasMore: page.more,
      links: {
        self: { uri: linkTo('/v1/credits/changes', { after, size }), method: 'GET' },
        next: { uri: linkTo('/v1/credits/changes', { after: next, size }), method: 'GET' },
      },
    };
  }
}

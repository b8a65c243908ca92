import { Controller, Get, Headers, Inject, Query, Res, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CheckpointWatcher, CHECKPOINT_WATCHER } from '@csp/event-sourcing';
import {
  ApiJsonOrCsvResponse,
  ApiPagingQueries,
  ApiProblems,
  CurrentPrincipal,
  isGuid,
  PagingQueries,
  Principal,
  setPositionHeader,
  wantsCsv,
  type PagingQuery,
} from '@csp/platform';
import { CustomerAccess, Permit } from '@csp/capabilities/partners';
import { CreditCollectionDto } from './credits.response.dto';
import { CreditsCollection, ListCreditsService } from './list-credits/list-credits.service';
import { creditLedgerProjection } from './projections/credit-ledger.projection';

/** GET /v1/credits: a month's invoice credits for finance (BillingAdmin). */
@ApiTags('credits')
@ApiBearerAuth()
@Controller('v1/credits')
export class CreditsController {
  constructor(
    private readonly credits: ListCreditsService,
    private readonly customers: CustomerAccess,
    @Inject(CHECKPOINT_WATCHER) private readonly watcher: CheckpointWatcher,
  ) {}

  @Get()
  @Permit('readCredits')
  @ApiOperation({
    summary: 'Invoice credits of a billing period: one line per cancelled line item, totals per currency',
    description:
      'The period is the month the credit is invoiced in: the calendar month (UTC) of the cancellation, or, when ' +
      'that month’s statement was closed before the credit reached it, the next open month (`originalPeriod` ' +
      'keeps the cancellation’s month). A line is `pending` until the cancellation has propagated, then `posted`. ' +
      '`totals` sum every line of the filter (all pages). `Accept: text/csv` gives CSV.',
  })
  @ApiQuery({
    name: 'period',
    required: true,
    schema: { type: 'string', pattern: '^\\d{4}-\\d{2}$' },
    example: '2024-06',
  })
  @ApiQuery({ name: 'customerId', required: false, schema: { type: 'string', format: 'uuid' } })
  @ApiPagingQueries()
  @ApiJsonOrCsvResponse(CreditCollectionDto, 'A collection of credit lines with `totals`, or CSV (`Accept: text/csv`)')
  @ApiProblems({ status: 400, description: 'a missing or bad period' }, 401, 403, 404)
  async list(
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) reply: FastifyReply,
    @PagingQueries() paging: PagingQuery,
    @Headers('accept') accept?: string,
    @Query('period') period?: string,
    @Query('customerId') customerId?: string,
  ): Promise<CreditsCollection | StreamableFile> {
    const q = { period, customerId, ...paging };
    if (isGuid(customerId)) await this.customers.authorize(principal, customerId, 'readCredits');
    setPositionHeader(reply, await this.watcher.checkpoint(creditLedgerProjection.name));
    return wantsCsv(accept) ? this.credits.csv(principal, q) : this.credits.list(principal, q);
  }
}

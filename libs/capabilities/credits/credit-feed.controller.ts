import {
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  Inject,
  Param,
  Post,
  Query,
  Res,
  StreamableFile,
} from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import {
  ApiBearerAuth,
  ApiBody,
  ApiCreatedResponse,
  ApiExtraModels,
  ApiOkResponse,
  ApiOperation,
  ApiQuery,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import {
  formatMoney,
  isBillingPeriod,
  statementStreamId,
  totalsAsMoney,
  validationError,
  DomainError,
  type StatementClosed,
} from '@csp/domain';
import { EVENT_STORE, type EventStore } from '@csp/event-store';
import {
  ApiProblems,
  CurrentPrincipal,
  Idempotent,
  Principal,
  parseSize,
  setPositionHeader,
  MIN_POSITION_QUERY,
  SIZE_QUERY,
  csvFile,
  linkTo,
  type CsvColumn,
  wantsCsv,
} from '@csp/platform';
import { Permit } from '@csp/capabilities/partners';
import { ReadYourWrites } from '@csp/event-sourcing';
import { CloseStatementCommand } from './close-statement/close-statement.command';
import { CloseStatementRequestDto } from './close-statement/close-statement.request.dto';
import {
  CreditChangePageDto,
  StatementCollectionDto,
  StatementDto,
  type StatementLineDto,
  type StatementSummaryDto,
} from './credit-feed.response.dto';
import { CREDIT_LEDGER } from './ledger/credit-ledger.projection';
import { changeCursor, CreditLedgerQuery, parseChangeCursor } from './ledger/credit-ledger.query';

export const DIGEST_ALGORITHM =
  'SHA-256 of canonical JSON (object keys sorted, no whitespace) of { partnerTenantId, period, lines (by id, amounts in minor units as creditMinor), totals }';

const CSV_COLUMNS: CsvColumn<StatementLineDto & { period: string }>[] = [
  { header: 'id', value: (l) => l.id },
  { header: 'period', value: (l) => l.period },
  { header: 'originalPeriod', value: (l) => l.originalPeriod },
  { header: 'customerId', value: (l) => l.customerId },
  { header: 'orderId', value: (l) => l.orderId },
  { header: 'lineItemNumber', value: (l) => l.lineItemNumber },
  { header: 'offerId', value: (l) => l.offerId },
  { header: 'friendlyName', value: (l) => l.friendlyName },
  { header: 'kind', value: (l) => l.kind },
  { header: 'basis', value: (l) => l.basis },
  { header: 'creditAmount', value: (l) => l.credit.amount },
  { header: 'currencyCode', value: (l) => l.credit.currencyCode },
  { header: 'taxInclusive', value: (l) => l.taxInclusive },
  { header: 'cancelledAt', value: (l) => l.cancelledAt },
  { header: 'postedAt', value: (l) => l.postedAt },
];

function statementView(s: StatementClosed['data']): StatementDto {
  return {
    period: s.period,
    closedAt: s.closedAt,
    sha256: s.sha256,
    lineCount: s.lines.length,
    totals: totalsAsMoney(s.totals),
    lines: s.lines.map(({ creditMinor, currencyCode, ...rest }) => ({
      ...rest,
      credit: formatMoney(creditMinor, currencyCode),
    })),
    digestAlgorithm: DIGEST_ALGORITHM,
  };
}

@ApiTags('credits')
@ApiBearerAuth()
@Controller('v1/credits')
export class CreditFeedController {
  constructor(
    private readonly ledger: CreditLedgerQuery,
    private readonly commands: CommandBus,
    private readonly readYourWrites: ReadYourWrites,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  @Get('changes')
  @Permit('readCredits')
  @ApiOperation({
    summary: 'The credit change feed: every change of a credit line, in order, resumable from a cursor',
    description:
      'Start without `after`, then pass the page’s `next` each time: each change comes exactly once, in order, after ' +
      'an outage too. `hasMore: false` means caught up; poll again later from the same `next`.',
  })
  @ApiQuery({ name: 'after', required: false, schema: { type: 'string', pattern: '^\\d+\\.\\d+$' }, example: '1234.0' })
  @ApiQuery(SIZE_QUERY)
  @ApiQuery(MIN_POSITION_QUERY)
  @ApiOkResponse({ type: CreditChangePageDto })
  @ApiProblems({ status: 400, description: 'a bad cursor or size' }, 401, 403)
  async changes(
    @CurrentPrincipal() principal: Principal,
    @Query('after') after?: string,
    @Query('size') size?: string,
    @Query('minPosition') minPosition?: string,
  ): Promise<CreditChangePageDto> {
    const from = after === undefined || after === '' ? { position: 0, seq: 0 } : parseChangeCursor(after);
    if (!from) throw validationError('after', 'invalid_cursor', 'after is a cursor from this feed, such as 1234.0');
    const n = parseSize(size);
    const { page } = await this.readYourWrites.page(CREDIT_LEDGER, { minPosition }, async () => {
      const r = await this.ledger.changes(principal.tenantId.toLowerCase(), from, n);
      return { ...r, totalCount: r.items.length, continuationToken: null };
    });
    const next =
      page.items.length > 0 ? page.items[page.items.length - 1].cursor : changeCursor(from.position, from.seq);
    return {
      items: page.items,
      next,
      hasMore: page.more,
      links: {
        self: { uri: linkTo('/v1/credits/changes', { after, size }), method: 'GET' },
        next: { uri: linkTo('/v1/credits/changes', { after: next, size }), method: 'GET' },
      },
    };
  }

  @Post('statements')
  @Idempotent()
  @Permit('closeStatements')
  @ApiOperation({
    summary: 'Close a month: an immutable statement of its posted credits, totals per currency and a SHA-256',
    description:
      'Credits of the month not yet posted, and any posted later, go to the next open month (their `originalPeriod` ' +
      'says where they came from). A month can be closed once it has ended, and only once.',
  })
  @ApiBody({
    type: CloseStatementRequestDto,
    examples: { november: { summary: 'Close November 2026', value: { period: '2026-11' } } },
  })
  @ApiCreatedResponse({ type: StatementDto })
  @ApiProblems(
    { status: 400, description: 'a bad period' },
    401,
    403,
    { status: 409, description: 'statement_closed: the month is already closed' },
    { status: 422, description: 'period_not_ended: the current or a future month' },
    { status: 503, description: 'the credit ledger is behind; retry' },
  )
  async closeStatement(
    @CurrentPrincipal() principal: Principal,
    @Body() body: CloseStatementRequestDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<StatementDto> {
    const { statement, position } = await this.commands.execute(new CloseStatementCommand(principal, body.period));
    setPositionHeader(reply, position);
    return statementView(statement);
  }

  @Get('statements')
  @Permit('readCredits')
  @ApiOperation({ summary: 'The closed months, newest first' })
  @ApiQuery(MIN_POSITION_QUERY)
  @ApiOkResponse({ type: StatementCollectionDto })
  @ApiProblems(400, 401, 403)
  async statements(
    @CurrentPrincipal() principal: Principal,
    @Query('minPosition') minPosition?: string,
  ): Promise<InstanceType<typeof StatementCollectionDto>> {
    const { page } = await this.readYourWrites.page(CREDIT_LEDGER, { minPosition }, async () => {
      const items = await this.ledger.statements(principal.tenantId.toLowerCase());
      return { items, totalCount: items.length, continuationToken: null };
    });
    const items: StatementSummaryDto[] = page.items.map(({ position: _p, ...s }) => s);
    return {
      totalCount: items.length,
      items,
      links: { self: { uri: '/v1/credits/statements', method: 'GET' } },
      attributes: { objectType: 'Collection' },
    };
  }

  @Get('statements/:period')
  @HttpCode(200)
  @Permit('readCredits')
  @ApiOperation({
    summary: 'A closed month as it was closed (JSON, or CSV of its lines with `Accept: text/csv`)',
    description: 'Read from the statement’s own event: it never changes.',
  })
  @ApiOkResponse({
    description: 'The statement, or its lines as CSV',
    content: {
      'application/json': { schema: { $ref: getSchemaPath(StatementDto) } },
      'text/csv': { schema: { type: 'string' } },
    },
  })
  @ApiExtraModels(StatementDto)
  @ApiProblems({ status: 400, description: 'a bad period' }, 401, 403, { status: 404, description: 'not closed' })
  async statement(
    @CurrentPrincipal() principal: Principal,
    @Param('period') period: string,
    @Headers('accept') accept?: string,
  ): Promise<StatementDto | StreamableFile> {
    if (!isBillingPeriod(period))
      throw validationError('period', 'invalid_period', 'period must be a month as YYYY-MM');
    const stream = await this.store.readStream(statementStreamId(principal.tenantId, period));
    const closed = stream.events.find((e) => e.type === 'StatementClosed');
    if (!closed) {
      throw new DomainError({
        code: 'statement_not_found',
        kind: 'not_found',
        detail: `${period} has not been closed; POST /v1/credits/statements closes it.`,
      });
    }
    const view = statementView(closed.data as StatementClosed['data']);
    if (!wantsCsv(accept)) return view;
    const rows = (async function* () {
      for (const line of view.lines) yield { ...line, period };
    })();
    return csvFile(rows, CSV_COLUMNS, `statement_${period}.csv`);
  }
}

import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query, Res, StreamableFile } from '@nestjs/common';
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
  ApiProblems,
  CurrentPrincipal,
  Idempotent,
  MIN_POSITION_QUERY,
  Principal,
  setPositionHeader,
  SIZE_QUERY,
} from '@csp/platform';
import { Permit } from '@csp/capabilities/partners';
import { CloseStatementCommand } from './close-statement/close-statement.command';
import { CloseStatementRequestDto } from './close-statement/close-statement.request.dto';
import { CreditChangePageDto, StatementCollectionDto, StatementDto } from './credits.response.dto';
import { ReadStatementsService } from './get-statement/read-statements.service';
import { ListCreditChangesService } from './list-credit-changes/list-credit-changes.service';
import { statementView } from './statement.view';

/** The finance feeds over HTTP (BillingAdmin): the credit change feed and the monthly statements. */
@ApiTags('credits')
@ApiBearerAuth()
@Controller('v1/credits')
export class CreditFeedController {
  constructor(
    private readonly changeFeed: ListCreditChangesService,
    private readonly closedMonths: ReadStatementsService,
    private readonly commands: CommandBus,
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
  changes(
    @CurrentPrincipal() principal: Principal,
    @Query('after') after?: string,
    @Query('size') size?: string,
    @Query('minPosition') minPosition?: string,
  ): Promise<CreditChangePageDto> {
    return this.changeFeed.page(principal, { after, size, minPosition });
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
    const items = await this.closedMonths.list(principal, minPosition);
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
  statement(
    @CurrentPrincipal() principal: Principal,
    @Param('period') period: string,
    @Headers('accept') accept?: string,
  ): Promise<StatementDto | StreamableFile> {
    return this.closedMonths.get(principal, period, accept);
  }
}

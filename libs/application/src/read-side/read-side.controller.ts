import { Controller, Get, Headers, Param, Query, Res, StreamableFile } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiExtraModels,
  ApiOkResponse,
  ApiOperation,
  ApiQuery,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ApiProblems, CurrentPrincipal, isGuid, Principal } from '@csp/platform';
import { AUDIT_OPERATION_TYPES, CheckpointWatcher, PROJECTION_NAMES } from '@csp/read-models';
import { Collection, parseSize } from '../shared/collection';
import { Permit } from '../shared/access.guard';
import { ACCESS, CustomerAccess } from '../shared/customer-access';
import { OrderAccess } from '../shared/order-access';
import { setPositionHeader } from '../shared/position-header';
import { CHECKPOINT_WATCHER } from '../shared/read-your-writes';
import { Inject } from '@nestjs/common';
import { AuditRecordsService } from './audit-records.service';
import { CreditsCollection, CreditsService } from './credits.service';
import { EventFeedService, FeedEvent, parseEventTypes, toFeedEvent } from './event-feed.service';
import { parsePosition, wantsCsv } from './query-params';
import { linkTo } from './read-side-collection';
import { CONTINUATION_TOKEN_QUERY as TOKEN_QUERY, MIN_POSITION_QUERY, SIZE_QUERY } from '../shared/query.docs';
import { AuditRecordCollectionDto, CreditCollectionDto, EventCollectionDto } from './read-side.response.dto';

@ApiTags('activity log')
@ApiBearerAuth()
@Controller('v1/auditrecords')
export class AuditRecordsController {
  constructor(
    private readonly records: AuditRecordsService,
    private readonly customers: CustomerAccess,
    @Inject(CHECKPOINT_WATCHER) private readonly watcher: CheckpointWatcher,
  ) {}

  @Get()
  @Permit('readActivityLog')
  @ApiOperation({
    summary: 'The activity log: key reveals, download links, downloads, orders created and updated',
    description:
      'The calling partner’s customers only, newest first. Dates are UTC days, both inclusive; at most 90 days back. ' +
      '`Accept: text/csv` returns every record of the range as CSV (header row, RFC 4180 quoting).',
  })
  @ApiQuery({
    name: 'startDate',
    required: false,
    schema: { type: 'string', format: 'date' },
    description: 'YYYY-MM-DD; default 29 days before endDate; at most 90 days back',
  })
  @ApiQuery({
    name: 'endDate',
    required: false,
    schema: { type: 'string', format: 'date' },
    description: 'YYYY-MM-DD; default today (UTC)',
  })
  @ApiQuery({ name: 'customerId', required: false, schema: { type: 'string', format: 'uuid' } })
  @ApiQuery({ name: 'operationType', required: false, enum: AUDIT_OPERATION_TYPES })
  @ApiQuery(SIZE_QUERY)
  @ApiQuery(TOKEN_QUERY)
  @ApiQuery(MIN_POSITION_QUERY)
  @ApiOkResponse({
    description: 'A collection of audit records, or CSV (`Accept: text/csv`)',
    content: {
      'application/json': { schema: { $ref: getSchemaPath(AuditRecordCollectionDto) } },
      'text/csv': { schema: { type: 'string' } },
    },
  })
  @ApiExtraModels(AuditRecordCollectionDto)
  @ApiProblems({ status: 400, description: 'a start more than 90 days back, an end before the start' }, 401, 403, 404)
  async list(
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Headers('accept') accept?: string,
    @Query('startDate') startDate?: string,
    @Query('endDate') endDate?: string,
    @Query('customerId') customerId?: string,
    @Query('operationType') operationType?: string,
    @Query('size') size?: string,
    @Query('continuationToken') continuationToken?: string,
    @Query('minPosition') minPosition?: string,
  ): Promise<Collection<unknown> | StreamableFile> {
    const q = { startDate, endDate, customerId, operationType, size, continuationToken, minPosition };
    // Another tenant's customer is 404, as everywhere (a malformed id is the service's 400).
    if (isGuid(customerId)) await this.customers.authorize(principal, customerId, 'readActivityLog');
    // The position the rows are at least at, read before them.
    setPositionHeader(reply, await this.watcher.checkpoint(PROJECTION_NAMES.auditRecords));
    return wantsCsv(accept) ? this.records.csv(principal, q) : this.records.list(principal, q);
  }
}

@ApiTags('credits')
@ApiBearerAuth()
@Controller('v1/credits')
export class CreditsController {
  constructor(
    private readonly credits: CreditsService,
    private readonly customers: CustomerAccess,
    @Inject(CHECKPOINT_WATCHER) private readonly watcher: CheckpointWatcher,
  ) {}

  @Get()
  @Permit('readCredits')
  @ApiOperation({
    summary: 'Invoice credits of a billing period: one line per cancelled line item, totals per currency',
    description:
      'The period is the calendar month (UTC) of the cancellation. A line is `pending` until the cancellation has ' +
      'propagated, then `posted`. `totals` sum every line of the filter (all pages). `Accept: text/csv` gives CSV.',
  })
  @ApiQuery({
    name: 'period',
    required: true,
    schema: { type: 'string', pattern: '^\\d{4}-\\d{2}$' },
    example: '2024-06',
  })
  @ApiQuery({ name: 'customerId', required: false, schema: { type: 'string', format: 'uuid' } })
  @ApiQuery(SIZE_QUERY)
  @ApiQuery(TOKEN_QUERY)
  @ApiQuery(MIN_POSITION_QUERY)
  @ApiOkResponse({
    description: 'A collection of credit lines with `totals`, or CSV (`Accept: text/csv`)',
    content: {
      'application/json': { schema: { $ref: getSchemaPath(CreditCollectionDto) } },
      'text/csv': { schema: { type: 'string' } },
    },
  })
  @ApiExtraModels(CreditCollectionDto)
  @ApiProblems({ status: 400, description: 'a missing or bad period' }, 401, 403, 404)
  async list(
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Headers('accept') accept?: string,
    @Query('period') period?: string,
    @Query('customerId') customerId?: string,
    @Query('size') size?: string,
    @Query('continuationToken') continuationToken?: string,
    @Query('minPosition') minPosition?: string,
  ): Promise<CreditsCollection | StreamableFile> {
    const q = { period, customerId, size, continuationToken, minPosition };
    if (isGuid(customerId)) await this.customers.authorize(principal, customerId, 'readCredits');
    setPositionHeader(reply, await this.watcher.checkpoint(PROJECTION_NAMES.credits));
    return wantsCsv(accept) ? this.credits.csv(principal, q) : this.credits.list(principal, q);
  }
}

@ApiTags('event history')
@ApiBearerAuth()
@Controller('v1')
export class EventHistoryController {
  constructor(
    private readonly feed: EventFeedService,
    private readonly orders: OrderAccess,
  ) {}

  @Get('events')
  @Permit('readEventHistory')
  @ApiOperation({
    summary: 'The event history in global order, for auditors',
    description:
      'Read from the event store itself. Only the caller’s tenant’s events: those whose data names it as ' +
      '`partnerTenantId`, or whose customer belongs to it, or (naming neither) whose metadata `tenantId` is it. ' +
      'A page may hold fewer than `size` events when the scan limit was reached; follow `links.next` until it ' +
      'is absent, then poll with `after` = the last position seen. `totalCount` is the page’s count.',
  })
  @ApiQuery({
    name: 'after',
    required: false,
    schema: { type: 'integer', minimum: 0, default: 0 },
    description: 'Global position, exclusive (0: from the start)',
  })
  @ApiQuery(SIZE_QUERY)
  @ApiQuery({
    name: 'type',
    required: false,
    schema: { type: 'string' },
    example: 'OrderPlaced,OrderCancelled',
    description: 'An event type, or several separated by commas',
  })
  @ApiOkResponse({ type: EventCollectionDto })
  @ApiProblems(400, 401, 403)
  async events(
    @CurrentPrincipal() principal: Principal,
    @Query('after') after?: string,
    @Query('size') size?: string,
    @Query('type') type?: string,
  ): Promise<Collection<FeedEvent>> {
    const from = parsePosition(after, 'after');
    const n = parseSize(size);
    const types = parseEventTypes(type);
    const page = await this.feed.page(principal.tenantId, { after: from, size: n, types });
    const filters = { size: n, type: types?.join(',') };
    return {
      totalCount: page.items.length,
      items: page.items,
      links: {
        self: { uri: linkTo('/v1/events', { after: from, ...filters }), method: 'GET' },
        ...(page.next !== null
          ? { next: { uri: linkTo('/v1/events', { after: page.next, ...filters }), method: 'GET' as const } }
          : {}),
      },
      attributes: { objectType: 'Collection' },
    };
  }

  @Get('customers/:customerId/orders/:orderId/events')
  @Permit(ACCESS.orderHistory)
  @ApiOperation({ summary: 'An order’s whole history, oldest first (the partner’s auditors)' })
  @ApiOkResponse({ type: EventCollectionDto, description: 'The order’s events, oldest first' })
  @ApiProblems(401, 403, 404)
  async orderEvents(
    @CurrentPrincipal() principal: Principal,
    @Param('customerId') customerId: string,
    @Param('orderId') orderId: string,
  ): Promise<Collection<FeedEvent>> {
    const { stream, customer, order } = await this.orders.authorize(
      principal,
      customerId,
      orderId,
      ACCESS.orderHistory,
    );
    const items = stream.events.map(toFeedEvent);
    const path = `/v1/customers/${customer.customerId}/orders/${order.orderId}/events`;
    return {
      totalCount: items.length,
      items,
      links: { self: { uri: path, method: 'GET' } },
      attributes: { objectType: 'Collection' },
    };
  }
}

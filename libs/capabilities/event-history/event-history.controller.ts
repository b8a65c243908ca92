import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import {
  ApiProblems,
  CurrentPrincipal,
  Principal,
  Collection,
  parseSize,
  parsePosition,
  linkTo,
  SIZE_QUERY,
} from '@csp/platform';
import { Permit, ACCESS } from '@csp/capabilities/partners';
import { OrderAccess } from '@csp/capabilities/orders';
import { EventFeedService, FeedEvent, parseEventTypes, toFeedEvent } from './event-feed.service';
import { EventCollectionDto } from './feed-event.response.dto';

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

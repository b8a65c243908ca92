import { Body, Controller, Get, Headers, Param, Patch, Post, Query, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import {
  ApiBearerAuth,
  ApiBody,
  ApiCreatedResponse,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { cancellationEligibility, DomainError, lineProvisioningStatus } from '@csp/domain';
import {
  ApiProblems,
  CurrentPrincipal,
  Idempotent,
  Principal,
  setPositionHeader,
  ApiPagingQueries,
  PagingQueries,
  type PagingQuery,
} from '@csp/platform';
import { Permit, ACCESS } from '@csp/capabilities/partners';
import type { Collection } from '@csp/platform';
import { OrderAccess, orderNotFound } from './order-access';
import { CancelOrderCommand } from './cancel-order/cancel-order.command';
import { CancelOrderRequestDto } from './cancel-order/cancel-order.request.dto';
import { CancellationEligibilityDto, OrderCollectionDto, OrderResponseDto } from './order.response.dto';
import { orderUri, OrderResource, orderResourceFromEvents } from './order.view';
import { parseIfMatch, setEtag } from './order-etag';
import { OrderProvisioningStatusCollectionDto } from './order-partner-center.response.dto';

import { PlaceOrderCommand } from './place-order/place-order.command';
import { PlaceOrderRequestDto } from './place-order/place-order.request.dto';
import { ReadOrdersService } from './get-order/read-orders.service';

const ETAG_HEADER = {
  ETag: { description: 'The order’s revision; send it back as If-Match on PATCH', schema: { type: 'string' } },
};

@ApiTags('orders')
@ApiBearerAuth()
@Controller('v1/customers/:customerId/orders')
export class OrdersController {
  constructor(
    private readonly commands: CommandBus,
    private readonly orders: OrderAccess,
    private readonly readOrders: ReadOrdersService,
  ) {}

  @Post()
  @Idempotent()
  @Permit(ACCESS.placeOrder)
  @ApiOperation({ summary: 'Place an order on behalf of a customer (paid by invoice: completed at once)' })
  @ApiBody({
    type: PlaceOrderRequestDto,
    examples: {
      partnerCenter: {
        summary: 'Partner Center’s body',
        value: {
          referenceCustomerId: '0b6e3f7a-5c1d-4e2f-8a9b-3c4d5e6f7a8b',
          billingCycle: 'one_time',
          currencyCode: 'PLN',
          lineItems: [
            {
              lineItemNumber: 0,
              offerId: 'DG7GMGF0D7FV:0001:DG7GMGF0D7FW',
              quantity: 1,
              friendlyName: 'File server licence',
              provisioningContext: { note: 'branch office' },
            },
          ],
          attributes: { objectType: 'Order' },
        },
      },
      software: {
        summary: 'Perpetual software, two line items',
        value: {
          lineItems: [
            { lineItemNumber: 0, offerId: 'DG7GMGF0D7FV:0001:DG7GMGF0D7FW', quantity: 2 },
            { lineItemNumber: 1, offerId: 'DG7GMGF0FKZV:0001:DG7GMGF0FKZW', quantity: 1 },
          ],
        },
      },
    },
  })
  @ApiCreatedResponse({ type: OrderResponseDto, description: 'The order (Location: its URI)' })
  @ApiProblems(
    { status: 400, description: 'an unknown offer, a bad quantity, duplicate line numbers' },
    401,
    403,
    404,
    409,
    { status: 422, description: '`offer_not_available_in_market`' },
  )
  async place(
    @CurrentPrincipal() principal: Principal,
    @Param('customerId') customerId: string,
    @Body() body: PlaceOrderRequestDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<OrderResource> {
    const { lineItems, ...partnerCenter } = body;
    const { order, position, version } = await this.commands.execute(
      new PlaceOrderCommand(
        principal,
        customerId,
        lineItems.map((l) => ({ ...l })),
        { ...partnerCenter, attributes: partnerCenter.attributes ? { ...partnerCenter.attributes } : undefined },
      ),
    );
    setPositionHeader(reply, position);
    setEtag(reply, version);
    reply.header('Location', order.links.self.uri);
    return order;
  }

  @Get()
  @Permit(ACCESS.readOrders)
  @ApiOperation({ summary: 'A customer’s orders, newest first' })
  @ApiPagingQueries()
  @ApiOkResponse({ type: OrderCollectionDto })
  @ApiProblems(400, 401, 403, 404)
  list(
    @CurrentPrincipal() principal: Principal,
    @Param('customerId') customerId: string,
    @PagingQueries() paging: PagingQuery,
  ): Promise<Collection<OrderResource>> {
    return this.readOrders.list(principal, customerId, paging);
  }

  @Get(':orderId')
  @Permit(ACCESS.readOrders)
  @ApiOperation({ summary: 'One order; with ?asOf, its state as it was at that instant (folded from its events)' })
  @ApiQuery({
    name: 'asOf',
    required: false,
    schema: { type: 'string', format: 'date-time' },
    description: 'ISO 8601 instant: the order as it was then',
  })
  @ApiOkResponse({ type: OrderResponseDto, headers: ETAG_HEADER })
  @ApiProblems({ status: 400, description: '`invalid_timestamp`' }, 401, 403, 404)
  async get(
    @CurrentPrincipal() principal: Principal,
    @Param('customerId') customerId: string,
    @Param('orderId') orderId: string,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Query('asOf') asOf?: string,
  ): Promise<OrderResource> {
    const at = asOf === undefined ? undefined : parseInstant(asOf, 'asOf');
    const { stream } = await this.orders.authorize(principal, customerId, orderId, ACCESS.readOrders);
    // Time travel: fold only the events the store had recorded by then.
    const events = at ? stream.events.filter((e) => e.recordedAt.getTime() <= at.getTime()) : stream.events;
    const order = orderResourceFromEvents(events);
    if (!order) throw orderNotFound(orderId);
    // The revision is the stream position of the last event folded in (the whole stream without asOf).
    setEtag(reply, events.length ? events[events.length - 1].streamPosition : 0);
    return order;
  }

  @Get(':orderId/provisioningstatus')
  @Permit(ACCESS.readOrders)
  @ApiOperation({
    summary: 'Partner Center’s provisioning status per line item: fulfilled, cancellationPending or cancelled',
  })
  @ApiOkResponse({ type: OrderProvisioningStatusCollectionDto })
  @ApiProblems(401, 403, 404)
  async provisioningStatus(
    @CurrentPrincipal() principal: Principal,
    @Param('customerId') customerId: string,
    @Param('orderId') orderId: string,
  ): Promise<unknown> {
    const { order } = await this.orders.authorize(principal, customerId, orderId, ACCESS.readOrders);
    const items = order.lineItems.map((l) => {
      const status = lineProvisioningStatus(l, order.cancellation);
      return {
        lineItemNumber: l.lineItemNumber,
        status,
        quantityProvisioningInformation: [{ quantity: l.quantity, status }],
        attributes: { objectType: 'OrderLineItemProvisioningStatus' },
      };
    });
    return {
      totalCount: items.length,
      items,
      links: { self: { uri: `${orderUri(order.customerId, order.orderId)}/provisioningstatus`, method: 'GET' } },
      attributes: { objectType: 'Collection' },
    };
  }

  @Get(':orderId/cancellationeligibility')
  @Permit(ACCESS.readOrders)
  @ApiOperation({
    summary: 'Days remaining to cancel, whether the window has passed, and the credit each line would get',
  })
  @ApiOkResponse({ type: CancellationEligibilityDto })
  @ApiProblems(401, 403, 404)
  async eligibility(
    @CurrentPrincipal() principal: Principal,
    @Param('customerId') customerId: string,
    @Param('orderId') orderId: string,
  ): Promise<unknown> {
    const { order } = await this.orders.authorize(principal, customerId, orderId, ACCESS.readOrders);
    const e = cancellationEligibility(order, this.readOrders.now(), this.readOrders.policies());
    return {
      ...e,
      reason: e.isEligible ? null : e.reason,
      supportRequestLink: e.isEligible ? null : { uri: '/v1/supportrequests', method: 'POST' },
      lineItems: e.lineItems.map((l) => ({ ...l, reason: l.isEligible ? null : l.reason })),
    };
  }

  @Patch(':orderId')
  @Idempotent()
  @Permit(ACCESS.cancel)
  @ApiOperation({ summary: 'Cancel line items of an order (status "cancelled"); within 30 days of purchase' })
  @ApiBody({
    type: CancelOrderRequestDto,
    examples: {
      oneLine: { summary: 'Cancel line item 0', value: { status: 'cancelled', lineItems: [{ lineItemNumber: 0 }] } },
      wholeOrder: { summary: 'Cancel every remaining line item', value: { status: 'cancelled' } },
      partnerCenter: {
        summary: 'Partner Center’s body',
        value: {
          id: '3f2b8c1e-5d4a-4e7b-9c0d-1a2b3c4d5e6f',
          status: 'cancelled',
          lineItems: [{ lineItemNumber: 0, offerId: 'DG7GMGF0D7FV:0001:DG7GMGF0D7FW' }],
        },
      },
    },
  })
  @ApiHeader({
    name: 'if-match',
    required: false,
    description: 'The ETag of the order as last read: 412 when it changed since (absent or `*`: no check)',
    schema: { type: 'string', example: '"3"' },
  })
  @ApiOkResponse({ type: OrderResponseDto, description: 'The order with its cancellation', headers: ETAG_HEADER })
  @ApiProblems(
    { status: 400, description: 'a bad body or If-Match; `id` not the path’s, an `offerId` not the line’s' },
    401,
    { status: 403, description: 'only a partner AdminAgent cancels' },
    404,
    {
      status: 409,
      description: '`cancellation_window_passed` (with `closedAt`), `not_cancellable`, `already_cancelled`',
    },
    { status: 412, description: '`precondition_failed`: If-Match is not the order’s current ETag' },
    { status: 422, description: '`cancellation_notice_not_acknowledged`, `request_id_reused`' },
  )
  async cancel(
    @CurrentPrincipal() principal: Principal,
    @Param('customerId') customerId: string,
    @Param('orderId') orderId: string,
    @Body() body: CancelOrderRequestDto,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Headers('if-match') ifMatch?: string,
  ): Promise<OrderResource> {
    const { order, position, version } = await this.commands.execute(
      new CancelOrderCommand(
        principal,
        customerId,
        orderId,
        body.lineItems?.map((l) => ({ lineItemNumber: l.lineItemNumber, offerId: l.offerId, quantity: l.quantity })),
        body.acknowledgedCancellationNotice,
        body.id,
        parseIfMatch(ifMatch),
        {
          customerId: body.customerId,
          referenceCustomerId: body.referenceCustomerId,
          currencyCode: body.currencyCode,
          billingCycle: body.billingCycle,
        },
      ),
    );
    setPositionHeader(reply, position);
    setEtag(reply, version);
    return order;
  }
}

export function parseInstant(value: string, field: string): Date {
  const d = new Date(value);
  if (!/^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(value) || Number.isNaN(d.getTime())) {
    throw new DomainError({
      code: 'invalid_timestamp',
      kind: 'validation',
      field,
      detail: `${field} must be an ISO 8601 instant`,
    });
  }
  return d;
}

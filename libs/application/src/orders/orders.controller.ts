import { Body, Controller, Get, Param, Patch, Post, Query, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import {
  ApiBearerAuth,
  ApiBody,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { cancellationEligibility, DomainError } from '@csp/domain';
import { ApiProblems, CurrentPrincipal, Idempotent, Principal, Role, Roles } from '@csp/platform';
import type { Collection } from '../shared/collection';
import { ACCESS } from '../shared/customer-access';
import { OrderAccess, orderNotFound } from '../shared/order-access';
import { setPositionHeader } from '../shared/position-header';
import { CONTINUATION_TOKEN_QUERY, MIN_POSITION_QUERY, SIZE_QUERY } from '../shared/query.docs';
import { CancelOrderCommand } from './cancel-order/cancel-order.command';
import { CancelOrderRequestDto } from './cancel-order/cancel-order.request.dto';
import { CancellationEligibilityDto, OrderCollectionDto, OrderResponseDto } from './order.response.dto';
import { OrderResource, orderResourceFromEvents } from './order.view';
import { PlaceOrderCommand } from './place-order/place-order.command';
import { PlaceOrderRequestDto } from './place-order/place-order.request.dto';
import { ReadOrdersService } from './get-order/read-orders.service';

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
  @Roles(Role.AdminAgent, Role.GlobalAdmin)
  @ApiOperation({ summary: 'Place an order on behalf of a customer (paid by invoice: completed at once)' })
  @ApiBody({
    type: PlaceOrderRequestDto,
    examples: {
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
    const { order, position } = await this.commands.execute(
      new PlaceOrderCommand(
        principal,
        customerId,
        body.lineItems.map((l) => ({ ...l })),
      ),
    );
    setPositionHeader(reply, position);
    reply.header('Location', order.links.self.uri);
    return order;
  }

  @Get()
  @Roles(Role.AdminAgent, Role.GlobalAdmin)
  @ApiOperation({ summary: 'A customer’s orders, newest first' })
  @ApiQuery(SIZE_QUERY)
  @ApiQuery(CONTINUATION_TOKEN_QUERY)
  @ApiQuery(MIN_POSITION_QUERY)
  @ApiOkResponse({ type: OrderCollectionDto })
  @ApiProblems(400, 401, 403, 404)
  list(
    @CurrentPrincipal() principal: Principal,
    @Param('customerId') customerId: string,
    @Query('size') size?: string,
    @Query('continuationToken') continuationToken?: string,
    @Query('minPosition') minPosition?: string,
  ): Promise<Collection<OrderResource>> {
    return this.readOrders.list(principal, customerId, { size, continuationToken, minPosition });
  }

  @Get(':orderId')
  @Roles(Role.AdminAgent, Role.GlobalAdmin)
  @ApiOperation({ summary: 'One order; with ?asOf, its state as it was at that instant (folded from its events)' })
  @ApiQuery({
    name: 'asOf',
    required: false,
    schema: { type: 'string', format: 'date-time' },
    description: 'ISO 8601 instant: the order as it was then',
  })
  @ApiOkResponse({ type: OrderResponseDto })
  @ApiProblems({ status: 400, description: '`invalid_timestamp`' }, 401, 403, 404)
  async get(
    @CurrentPrincipal() principal: Principal,
    @Param('customerId') customerId: string,
    @Param('orderId') orderId: string,
    @Query('asOf') asOf?: string,
  ): Promise<OrderResource> {
    const at = asOf === undefined ? undefined : parseInstant(asOf, 'asOf');
    const { stream } = await this.orders.authorize(principal, customerId, orderId, ACCESS.readOrders);
    // Time travel: fold only the events the store had recorded by then.
    const events = at ? stream.events.filter((e) => e.recordedAt.getTime() <= at.getTime()) : stream.events;
    const order = orderResourceFromEvents(events);
    if (!order) throw orderNotFound(orderId);
    return order;
  }

  @Get(':orderId/cancellationeligibility')
  @Roles(Role.AdminAgent, Role.GlobalAdmin)
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
  @Roles(Role.AdminAgent)
  @ApiOperation({ summary: 'Cancel line items of an order (status "cancelled"); within 30 days of purchase' })
  @ApiBody({
    type: CancelOrderRequestDto,
    examples: {
      oneLine: {
        summary: 'Cancel line item 0',
        value: { status: 'cancelled', lineItems: [{ lineItemNumber: 0 }], acknowledgedCancellationNotice: true },
      },
      wholeOrder: {
        summary: 'Cancel every remaining line item',
        value: { status: 'cancelled', acknowledgedCancellationNotice: true },
      },
    },
  })
  @ApiOkResponse({ type: OrderResponseDto, description: 'The order with its cancellation' })
  @ApiProblems(
    400,
    401,
    { status: 403, description: 'only a partner AdminAgent cancels' },
    404,
    {
      status: 409,
      description: '`cancellation_window_passed` (with `closedAt`), `not_cancellable`, `already_cancelled`',
    },
    422,
  )
  async cancel(
    @CurrentPrincipal() principal: Principal,
    @Param('customerId') customerId: string,
    @Param('orderId') orderId: string,
    @Body() body: CancelOrderRequestDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<OrderResource> {
    const { order, position } = await this.commands.execute(
      new CancelOrderCommand(
        principal,
        customerId,
        orderId,
        body.lineItems?.map((l) => l.lineItemNumber),
        body.acknowledgedCancellationNotice,
      ),
    );
    setPositionHeader(reply, position);
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

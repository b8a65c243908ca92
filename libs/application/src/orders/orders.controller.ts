import { Body, Controller, Get, Headers, Param, Patch, Post, Query, Res, UseInterceptors } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiCreatedResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { cancellationEligibility, DomainError, lineProvisioningStatus } from '@csp/domain';
import { ApiProblemResponses, CurrentPrincipal, Idempotent, Principal } from '@csp/platform';
import { Permit } from '../shared/access.guard';
import { ACCESS } from '../shared/customer-access';
import { OrderAccess, orderNotFound } from '../shared/order-access';
import { setPositionHeader } from '../shared/position-header';
import { CancelOrderCommand } from './cancel-order/cancel-order.command';
import { CancelOrderRequestDto } from './cancel-order/cancel-order.request.dto';
import { orderUri, OrderResource, orderResourceFromEvents } from './order.view';
import { parseIfMatch, setEtag } from './order-etag';
import { OrderProvisioningStatusCollectionDto } from './order-partner-center.response.dto';
import { CANCEL_ORDER_KEYS, PartnerCenterKeysInterceptor, PLACE_ORDER_KEYS } from './partner-center-keys.interceptor';
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
  @UseInterceptors(new PartnerCenterKeysInterceptor(PLACE_ORDER_KEYS))
  @Permit(ACCESS.placeOrder)
  @ApiOperation({ summary: 'Place an order on behalf of a customer (paid by invoice: completed at once)' })
  @ApiCreatedResponse({ description: 'The order' })
  @ApiProblemResponses(400, 401, 403, 404, 409, 422)
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
  @ApiProblemResponses(400, 401, 403, 404)
  list(
    @CurrentPrincipal() principal: Principal,
    @Param('customerId') customerId: string,
    @Query('size') size?: string,
    @Query('continuationToken') continuationToken?: string,
    @Query('minPosition') minPosition?: string,
  ): Promise<unknown> {
    return this.readOrders.list(principal, customerId, { size, continuationToken, minPosition });
  }

  @Get(':orderId')
  @Permit(ACCESS.readOrders)
  @ApiOperation({ summary: 'One order; with ?asOf, its state as it was at that instant (folded from its events)' })
  @ApiQuery({ name: 'asOf', required: false, description: 'ISO 8601 instant' })
  @ApiOkResponse({ description: 'The order' })
  @ApiProblemResponses(400, 401, 403, 404)
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
  @ApiProblemResponses(401, 403, 404)
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
  @ApiProblemResponses(401, 403, 404)
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
  @UseInterceptors(new PartnerCenterKeysInterceptor(CANCEL_ORDER_KEYS))
  @Permit(ACCESS.cancel)
  @ApiOperation({ summary: 'Cancel line items of an order (status "cancelled"); within 30 days of purchase' })
  @ApiOkResponse({ description: 'The order with its cancellation' })
  @ApiProblemResponses(400, 401, 403, 404, 409, 412, 422)
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

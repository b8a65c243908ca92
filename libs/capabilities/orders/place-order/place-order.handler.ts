import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { ACCESS, CustomerAccess } from '@csp/capabilities/partners';
import { newEntityId, StreamCommands } from '@csp/event-sourcing';
import { orderResourceFromEvents } from '../order.view';
import { PlaceOrderCommand, PlaceOrderResult } from './place-order.command';

@CommandHandler(PlaceOrderCommand)
export class PlaceOrderHandler implements ICommandHandler<PlaceOrderCommand> {
  constructor(
    private readonly customers: CustomerAccess,
    private readonly streams: StreamCommands,
  ) {}

  async execute({ principal, customerId, lineItems, partnerCenter }: PlaceOrderCommand): Promise<PlaceOrderResult> {
    const { customer } = await this.customers.authorize(principal, customerId, ACCESS.placeOrder);
    const orderId = newEntityId('order');
    const result = await this.streams.handle(
      'order',
      orderId,
      {
        type: 'PlaceOrder',
        data: {
          orderId,
          customer: {
            customerId: customer.customerId,
            partnerTenantId: customer.partnerTenantId,
            country: customer.country,
            currencyCode: customer.currencyCode,
            taxInclusive: customer.taxInclusivePricing,
          },
          lineItems,
          placedBy: { userId: principal.userId, upn: principal.upn, tenantId: principal.tenantId },
          partnerCenter,
        },
      },
      { expectNewStream: true },
    );
    // The response is the order as its events now say (the same fold the order list uses).
    const order = orderResourceFromEvents(result.streamEvents);
    if (!order) throw new Error('placing the order produced no order');
    return { order, position: result.position, version: result.version };
  }
}

import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { orderDecider } from '@csp/domain';
import { ACCESS, CustomerAccess } from '@csp/capabilities/partners';
import { orderStreamId } from '../order-access';
import { newEntityId, StreamCommandExecutor } from '@csp/event-sourcing';
import { OrderResource, orderResourceFromEvents } from '../order.view';
import { PlaceOrderCommand } from './place-order.command';

@CommandHandler(PlaceOrderCommand)
export class PlaceOrderHandler implements ICommandHandler<
  PlaceOrderCommand,
  { order: OrderResource; position?: number; version: number }
> {
  constructor(
    private readonly customers: CustomerAccess,
    private readonly executor: StreamCommandExecutor,
  ) {}

  async execute({
    principal,
    customerId,
    lineItems,
    partnerCenter,
  }: PlaceOrderCommand): Promise<{ order: OrderResource; position?: number; version: number }> {
    const { customer } = await this.customers.authorize(principal, customerId, ACCESS.placeOrder);
    const orderId = newEntityId('order');
    const result = await this.executor.execute(
      orderStreamId(orderId),
      orderDecider,
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

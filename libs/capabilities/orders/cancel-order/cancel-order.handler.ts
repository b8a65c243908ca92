import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { AppConfig } from '@csp/platform';
import { ACCESS } from '@csp/capabilities/partners';
import { StreamCommands } from '@csp/event-sourcing';
import { OrderAccess } from '../order-access';
import { orderResourceFromEvents } from '../order.view';
import { CancelOrderCommand, CancelOrderResult } from './cancel-order.command';
import { checkEchoedOrderFields } from './echoed-order-fields';

/**
 * Cancels line items of an order. OrderCancelled takes effect on the write side at once: from then on
 * reveals and links of those lines answer 410 whatever the projections show yet. Propagation (revocation at
 * the vendor, the invoice credit) is driven from the event by the worker, not from here.
 */
@CommandHandler(CancelOrderCommand)
export class CancelOrderHandler implements ICommandHandler<CancelOrderCommand> {
  constructor(
    private readonly orders: OrderAccess,
    private readonly streams: StreamCommands,
    private readonly config: AppConfig,
  ) {}

  async execute(c: CancelOrderCommand): Promise<CancelOrderResult> {
    const { order: placed, stream } = await this.orders.authorize(c.principal, c.customerId, c.orderId, ACCESS.cancel);
    const read = orderResourceFromEvents(stream.events);
    if (read) checkEchoedOrderFields(c.echoed, read);
    const result = await this.streams.handle(
      'order',
      placed.orderId,
      {
        type: 'CancelOrder',
        data: {
          lineItemNumbers: c.lineItems?.map((l) => l.lineItemNumber),
          offerIds: c.lineItems?.map((l) => l.offerId),
          quantities: c.lineItems?.map((l) => l.quantity),
          ...(c.bodyOrderId !== undefined ? { orderId: c.bodyOrderId } : {}),
          ...(c.acknowledgedNotice !== undefined ? { acknowledgedNotice: c.acknowledgedNotice } : {}),
          requireAcknowledgement: this.config.requireCancellationAck,
          requestedBy: { userId: c.principal.userId, upn: c.principal.upn, tenantId: c.principal.tenantId },
        },
      },
      { expectedRevision: c.expectedRevision, loaded: stream },
    );
    // The response is the order as its events now say (the same fold the order list uses).
    const order = orderResourceFromEvents(result.streamEvents);
    if (!order) throw new Error('order vanished during cancellation');
    return { order, position: result.position, version: result.version };
  }
}

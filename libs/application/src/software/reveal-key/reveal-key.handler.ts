import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { orderDecider } from '@csp/domain';
import { LICENSING, LicensingPort } from '../../ports/licensing.port';
import { ACCESS } from '../../shared/customer-access';
import { OrderAccess, orderStreamId } from '../../shared/order-access';
import { StreamCommandExecutor } from '../../shared/stream-command.executor';
import { channelFor, parseSoftwareRef } from '../software-ref';
import { RevealKeyCommand } from './reveal-key.command';

export interface RevealKeyResult {
  productKey: string;
  keyType: 'MAK';
  version: string;
  position?: number;
}

/**
 * Shows a MAK product key. The reveal is recorded first (KeyRevealed: who, channel, version, never the key);
 * only then is the key fetched from the licensing port, so no key is ever shown without its audit record.
 */
@CommandHandler(RevealKeyCommand)
export class RevealKeyHandler implements ICommandHandler<RevealKeyCommand, RevealKeyResult> {
  constructor(
    private readonly orders: OrderAccess,
    private readonly executor: StreamCommandExecutor,
    @Inject(LICENSING) private readonly licensing: LicensingPort,
  ) {}

  async execute(c: RevealKeyCommand): Promise<RevealKeyResult> {
    const ref = parseSoftwareRef(c.softwareId);
    const { relation, order } = await this.orders.authorize(c.principal, c.customerId, ref.orderId, ACCESS.software);
    const result = await this.executor.execute(orderStreamId(order.orderId), orderDecider, {
      type: 'RevealKey',
      data: {
        lineItemNumber: ref.lineItemNumber,
        version: c.version,
        keyType: c.keyType,
        user: { userId: c.principal.userId, upn: c.principal.upn, tenantId: c.principal.tenantId },
        channel: channelFor(relation),
      },
    });
    const line = order.lineItems.find((l) => l.lineItemNumber === ref.lineItemNumber)!;
    const key = await this.licensing.issueProductKey({
      orderId: order.orderId,
      lineItemNumber: ref.lineItemNumber,
      offerId: line.offerId,
      version: c.version,
    });
    return { productKey: key.productKey, keyType: key.keyType, version: c.version, position: result.position };
  }
}

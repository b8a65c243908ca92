import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { LICENSING, LicensingPort } from '../ports/licensing.port';
import { commandMetadata, StreamCommands } from '@csp/event-sourcing';
import { OrderAccess } from '@csp/capabilities/orders';
import { authorizeSoftwareLine } from '../software-ref';
import { RevealKeyCommand, RevealKeyResult } from './reveal-key.command';

/**
 * Shows a MAK product key. Every call, a retry included, is decided (line item, version, not cancelled) and
 * recorded (KeyRevealed: who, channel, version, never the key); the key is returned only once its record is
 * stored. The licensing port is asked first, so that a vendor's refusal (410) records nothing.
 */
@CommandHandler(RevealKeyCommand)
export class RevealKeyHandler implements ICommandHandler<RevealKeyCommand> {
  constructor(
    private readonly orders: OrderAccess,
    private readonly streams: StreamCommands,
    @Inject(LICENSING) private readonly licensing: LicensingPort,
  ) {}

  async execute(c: RevealKeyCommand): Promise<RevealKeyResult> {
    const { order, stream, lineItemNumber, channel } = await authorizeSoftwareLine(this.orders, c);
    // A retry also when its idempotency record is gone (purged): the stream knows this caller's request id.
    const { requestId, userId, tenantId } = commandMetadata();
    const retry =
      c.retry ||
      stream.events.some(
        (e) =>
          e.type === 'KeyRevealed' &&
          e.metadata.requestId === requestId &&
          e.metadata.userId === userId &&
          e.metadata.tenantId === tenantId,
      );
    const line = order.lineItems.find((l) => l.lineItemNumber === lineItemNumber);
    // No such line: nothing to ask the vendor; the decision below refuses it (404).
    const issue = line
      ? () =>
          this.licensing.issueProductKey({
            orderId: order.orderId,
            lineItemNumber: lineItemNumber,
            offerId: line.offerId,
            version: c.version,
            partnerTenantId: order.partnerTenantId,
            quantity: line.quantity,
          })
      : undefined;
    // Derived keys are asked at once, not awaited yet: a refusal of the decision must win over the vendor's
    // answer. A pool adapter takes a key from stock, so it is asked only once the reveal is decided (and again
    // after a version conflict: the same line gets the same key).
    let key = this.licensing.assignsOnIssue ? undefined : issue?.();
    key?.catch(() => undefined);
    const result = await this.streams.handle(
      'order',
      order.orderId,
      {
        type: 'RevealKey',
        data: {
          lineItemNumber: lineItemNumber,
          version: c.version,
          keyType: c.keyType,
          user: { userId: c.principal.userId, upn: c.principal.upn, tenantId: c.principal.tenantId },
          channel,
          ...(retry ? { retry: true } : {}),
        },
      },
      {
        decideEveryTime: true,
        beforeAppend: () => (this.licensing.assignsOnIssue ? (key = issue?.()) : key),
        loaded: stream,
      },
    );
    if (!key) throw new Error('a key reveal was decided for a line item the order does not have');
    const issued = await key;
    return { productKey: issued.productKey, keyType: issued.keyType, version: c.version, position: result.position };
  }
}

// What every order decision shares: bounds, the order's policy, the checks of actor, channel and line.
import { formatMoney } from '../money/money';
import { findPolicy } from '../policies/policies';
import type { Policy } from '../policies/policy.types';
import type { DomainContext } from '../shared/context';
import { DomainError, IssueCollector } from '../shared/domain-error';
import { ACCESS_CHANNELS, isSoftwareKind, type AccessChannel, type Actor } from '../shared/types';
import { type OrderLineState, type OrderState, type PlacedOrderState } from './order.state';

/** Sane upper bounds (our decisions). */
export const MAX_LINE_ITEMS = 100;
export const MAX_QUANTITY = 10_000;
export const MAX_DOWNLOADS_PER_LINK = 1_000;

export const KMS_EXPLANATION =
  'KMS keys are never issued through the CSP program, even on request: CSP software is activated with a MAK ' +
  '(multiple activation key). Request keyType "MAK" (or omit keyType). To move devices from KMS to MAK without ' +
  'downtime, deploy the MAK within the 180 days a KMS activation stays valid.';

export const orderNotFound = (): DomainError =>
  new DomainError({ code: 'order_not_found', kind: 'not_found', detail: 'the order does not exist' });

export const requirePlaced = (state: OrderState): PlacedOrderState => {
  if (state.status === 'none') throw orderNotFound();
  return state;
};

/** The policy version that governs this order (the one recorded at purchase). */
export const orderPolicy = (state: PlacedOrderState, ctx: Pick<DomainContext, 'policies'>): Policy =>
  findPolicy(ctx.policies, state.policyVersion);

export const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);

// ---------------------------------------------------------------- shared checks

export const checkActor = (issues: IssueCollector, user: Actor | undefined, field = 'user'): void => {
  if (!user || typeof user.userId !== 'string' || user.userId === '')
    issues.add(`${field}.userId`, 'invalid_user', 'the acting user is required');
  if (!user || typeof user.upn !== 'string')
    issues.add(`${field}.upn`, 'invalid_user', 'the acting user principal name is required');
};

export const checkChannel = (issues: IssueCollector, channel: unknown): void => {
  if (!ACCESS_CHANNELS.includes(channel as AccessChannel))
    issues.add('channel', 'invalid_channel', `channel must be one of ${ACCESS_CHANNELS.join(', ')}`);
};

export const softwareLine = (state: PlacedOrderState, lineItemNumber: number): OrderLineState => {
  const line = isInt(lineItemNumber) ? state.lineItems.find((l) => l.lineItemNumber === lineItemNumber) : undefined;
  if (!line || !isSoftwareKind(line.kind)) {
    throw new DomainError({
      code: 'software_not_found',
      kind: 'not_found',
      detail: line
        ? `line item ${lineItemNumber} (${line.kind}) has no software: no keys or downloads`
        : `order ${state.orderId} has no line item ${String(lineItemNumber)}`,
      data: { orderId: state.orderId, lineItemNumber },
    });
  }
  return line;
};

export const revoked = (state: PlacedOrderState, line: OrderLineState, what: string): DomainError =>
  new DomainError({
    code: 'revoked',
    kind: 'gone',
    detail: `${what} of line item ${line.lineItemNumber} of order ${state.orderId} were revoked when the purchase was cancelled at ${line.cancelledAt}`,
    data: { orderId: state.orderId, lineItemNumber: line.lineItemNumber, cancelledAt: line.cancelledAt },
  });

// ---------------------------------------------------------------- RevealKey

/** Formats minor units in the order's currency (helper for views). */
export const orderMoney = (state: PlacedOrderState, amountMinor: number) =>
  formatMoney(amountMinor, state.currencyCode);

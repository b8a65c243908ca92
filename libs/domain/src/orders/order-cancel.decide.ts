// Deciding a cancellation and what follows it: propagation steps, overdue marks, window warnings.
import { sumMinor } from '../money/money';
import {
  cancellationWindowEndsAt,
  isCancellableKind,
  isWithinWindow,
  lineCredit,
  MS_PER_MINUTE,
} from '../policies/policies';
import type { DomainContext } from '../shared/context';
import { DomainError, IssueCollector, validationError } from '../shared/domain-error';
import type { CancelOrder, MarkCancellationPropagated, WarnCancellationWindowClosing } from './order.commands';
import type {
  CancellationPropagated,
  CancellationPropagationOverdue,
  CancellationWindowClosing,
  CancelledLineItem,
  OrderCancelled,
} from './order.events';
import { type OrderLineState, type OrderState, type PlacedOrderState, windowWarningKey } from './order.state';
import { checkCancellationNotice, checkCancelReferences } from './partner-center-order';
import { requirePlaced, orderPolicy, isInt, checkActor } from './order-decide.shared';

// ---------------------------------------------------------------- CancelOrder

export const cancelOrder = (command: CancelOrder, state: OrderState, ctx: DomainContext): OrderCancelled[] => {
  const { lineItemNumbers, acknowledgedNotice, requireAcknowledgement, requestedBy } = command.data;
  const order = requirePlaced(state);
  const issues = new IssueCollector();
  checkActor(issues, requestedBy, 'requestedBy');
  const { orderId, offerIds, quantities } = command.data;
  checkCancelReferences(order, orderId, lineItemNumbers, offerIds, issues, quantities);
  issues.throwIfAny();
  checkCancellationNotice(acknowledgedNotice, requireAcknowledgement);
  if (order.cancellation) {
    throw new DomainError({
      code: 'already_cancelled',
      kind: 'conflict',
      detail: `order ${order.orderId} was already cancelled at ${order.cancellation.cancelledAt}; an order is cancelled once`,
      data: { orderId: order.orderId, cancelledAt: order.cancellation.cancelledAt },
    });
  }
  let targets: OrderLineState[];
  if (lineItemNumbers === undefined || lineItemNumbers === null || lineItemNumbers.length === 0) {
    targets = order.lineItems.filter((l) => !l.cancelled);
  } else {
    const seen = new Set<number>();
    lineItemNumbers.forEach((n, i) => {
      const field = `lineItems[${i}].lineItemNumber`;
      if (!isInt(n) || !order.lineItems.some((l) => l.lineItemNumber === n))
        issues.add(field, 'unknown_line_item', `order ${order.orderId} has no line item ${String(n)}`);
      else if (seen.has(n)) issues.add(field, 'duplicate_line_item_number', `line item ${n} is listed twice`);
      seen.add(n);
    });
    issues.throwIfAny();
    targets = order.lineItems.filter((l) => seen.has(l.lineItemNumber));
  }
  const policy = orderPolicy(order, ctx);
  const blocked = targets.filter((l) => !isCancellableKind(policy, l.kind));
  if (blocked.length) {
    throw new DomainError({
      code: 'not_cancellable',
      kind: 'conflict',
      detail:
        `line item(s) ${blocked.map((l) => `${l.lineItemNumber} (${l.friendlyName})`).join(', ')} cannot be cancelled: ` +
        'SUSE and Red Hat software plans are never cancellable or exchangeable, and Azure reservations follow their own process' +
        (lineItemNumbers?.length ? '' : '; name the line items to cancel'),
      data: {
        orderId: order.orderId,
        lineItemNumbers: blocked.map((l) => l.lineItemNumber),
        kinds: [...new Set(blocked.map((l) => l.kind))],
      },
    });
  }
  const placedAt = new Date(order.placedAt);
  for (const l of targets) {
    const end = cancellationWindowEndsAt(policy, l.kind, placedAt) as Date;
    if (!isWithinWindow(ctx.now, end)) {
      throw new DomainError({
        code: 'cancellation_window_passed',
        kind: 'conflict',
        detail: `the cancellation window of order ${order.orderId} closed at ${end.toISOString()} (${policy.cancellation.windowDays[l.kind]} days after the purchase at ${order.placedAt})`,
        data: { orderId: order.orderId, windowEndsAt: end.toISOString(), placedAt: order.placedAt },
      });
    }
  }
  const lines: CancelledLineItem[] = targets.map((l) => {
    const c = lineCredit(policy, l, placedAt, ctx.now);
    return {
      lineItemNumber: l.lineItemNumber,
      offerId: l.offerId,
      friendlyName: l.friendlyName,
      kind: l.kind,
      termDuration: l.termDuration,
      quantity: l.quantity,
      unitPrice: l.unitPrice,
      lineTotal: l.lineTotal,
      credit: c.credit,
      basis: c.basis,
      daysUsed: c.daysUsed,
      termDays: c.termDays,
    };
  });
  const cancelledNumbers = new Set([
    ...lines.map((l) => l.lineItemNumber),
    ...order.lineItems.filter((l) => l.cancelled).map((l) => l.lineItemNumber),
  ]);
  const windowEnds = targets.map((l) => (cancellationWindowEndsAt(policy, l.kind, placedAt) as Date).getTime());
  return [
    {
      type: 'OrderCancelled',
      data: {
        orderId: order.orderId,
        customerId: order.customerId,
        partnerTenantId: order.partnerTenantId,
        lineItems: lines,
        currencyCode: order.currencyCode,
        taxInclusive: order.taxInclusive,
        totalCredit: sumMinor(lines.map((l) => l.credit)),
        earlyTerminationFee: 0,
        cancelledAt: ctx.now.toISOString(),
        propagationDeadline: new Date(
          ctx.now.getTime() + policy.cancellation.propagationMinutes * MS_PER_MINUTE,
        ).toISOString(),
        statusAfter: order.lineItems.every((l) => cancelledNumbers.has(l.lineItemNumber)) ? 'cancelled' : 'completed',
        windowEndsAt: new Date(Math.min(...windowEnds)).toISOString(),
        policyVersion: policy.version,
        requestedBy: { userId: requestedBy.userId, upn: requestedBy.upn, tenantId: requestedBy.tenantId },
        revokedLinkIds: Object.values(order.links)
          .filter((k) => cancelledNumbers.has(k.lineItemNumber))
          .map((k) => k.linkId),
        ...(typeof acknowledgedNotice === 'boolean' ? { acknowledgedCancellationNotice: acknowledgedNotice } : {}),
      },
    },
  ];
};

// ---------------------------------------------------------------- propagation

const requireCancellation = (state: OrderState) => {
  const order = requirePlaced(state);
  if (!order.cancellation) {
    throw new DomainError({
      code: 'not_cancelled',
      kind: 'conflict',
      detail: `order ${order.orderId} has no cancellation to propagate`,
    });
  }
  return { order, cancellation: order.cancellation };
};

const STEP_TIMES = ['keysRevokedAt', 'linksRevokedAt', 'creditPostedAt'] as const;

export const markPropagated = (
  command: MarkCancellationPropagated,
  state: OrderState,
  ctx: DomainContext,
): CancellationPropagated[] => {
  const { order, cancellation } = requireCancellation(state);
  if (cancellation.propagatedAt) return []; // idempotent
  const steps: Partial<Record<(typeof STEP_TIMES)[number], string>> = {};
  for (const name of STEP_TIMES) {
    const value = command.data?.[name];
    if (value === undefined) continue;
    if (typeof value !== 'string' || Number.isNaN(Date.parse(value)))
      throw validationError(name, 'invalid_instant', `${name} must be an ISO timestamp`);
    steps[name] = new Date(value).toISOString();
  }
  return [
    {
      type: 'CancellationPropagated',
      data: {
        orderId: order.orderId,
        customerId: order.customerId,
        cancelledAt: cancellation.cancelledAt,
        propagatedAt: ctx.now.toISOString(),
        withinDeadline: ctx.now.getTime() <= Date.parse(cancellation.propagationDeadline),
        ...steps,
      },
    },
  ];
};

/**
 * Once, only while still unpropagated and only after the deadline (a propagation at the deadline itself
 * is within it); otherwise nothing to record.
 */
export const markOverdue = (state: OrderState, ctx: DomainContext): CancellationPropagationOverdue[] => {
  const { order, cancellation } = requireCancellation(state);
  if (cancellation.propagatedAt || cancellation.overdueAt) return [];
  if (ctx.now.getTime() <= Date.parse(cancellation.propagationDeadline)) return [];
  return [
    {
      type: 'CancellationPropagationOverdue',
      data: {
        orderId: order.orderId,
        customerId: order.customerId,
        cancelledAt: cancellation.cancelledAt,
        propagationDeadline: cancellation.propagationDeadline,
        detectedAt: ctx.now.toISOString(),
      },
    },
  ];
};

/** Hours before the end of a cancellation window at which the partner is warned. */
export const WINDOW_WARNING_HOURS: readonly number[] = [72, 24];
const MS_PER_HOUR = 60 * MS_PER_MINUTE;

/** The distinct window ends of an order's still-cancellable lines, each with its line numbers. */
export const openCancellationWindows = (
  order: PlacedOrderState,
  ctx: Pick<DomainContext, 'policies'>,
): { windowEndsAt: string; lineItemNumbers: number[] }[] => {
  const policy = orderPolicy(order, ctx);
  const byEnd = new Map<string, number[]>();
  for (const line of order.lineItems) {
    if (line.cancelled) continue;
    const end = cancellationWindowEndsAt(policy, line.kind, new Date(order.placedAt));
    if (!end) continue;
    const key = end.toISOString();
    byEnd.set(key, [...(byEnd.get(key) ?? []), line.lineItemNumber]);
  }
  return [...byEnd].map(([windowEndsAt, lineItemNumbers]) => ({ windowEndsAt, lineItemNumbers }));
};

/**
 * Nothing once the order has a cancellation (an order is cancelled once), before the warning is due,
 * once the window has closed, or when this warning was already given: delayed jobs may fire late, early
 * or twice.
 */
export const warnWindowClosing = (
  command: WarnCancellationWindowClosing,
  state: OrderState,
  ctx: DomainContext,
): CancellationWindowClosing[] => {
  const order = requirePlaced(state);
  const { windowEndsAt, hoursBefore } = command.data;
  const end = typeof windowEndsAt === 'string' ? Date.parse(windowEndsAt) : NaN;
  if (Number.isNaN(end))
    throw validationError('windowEndsAt', 'invalid_instant', 'windowEndsAt must be an ISO timestamp');
  if (!WINDOW_WARNING_HOURS.includes(hoursBefore))
    throw validationError(
      'hoursBefore',
      'invalid_hours',
      `hoursBefore must be one of ${WINDOW_WARNING_HOURS.join(', ')}`,
    );
  const endsAt = new Date(end).toISOString();
  const now = ctx.now.getTime();
  if (order.cancellation || now >= end || now < end - hoursBefore * MS_PER_HOUR) return [];
  if (order.windowWarnings.includes(windowWarningKey(endsAt, hoursBefore))) return [];
  const window = openCancellationWindows(order, ctx).find((w) => w.windowEndsAt === endsAt);
  if (!window) return [];
  return [
    {
      type: 'CancellationWindowClosing',
      data: {
        orderId: order.orderId,
        customerId: order.customerId,
        partnerTenantId: order.partnerTenantId,
        windowEndsAt: endsAt,
        hoursBefore,
        lineItemNumbers: window.lineItemNumbers,
        warnedAt: ctx.now.toISOString(),
      },
    },
  ];
};

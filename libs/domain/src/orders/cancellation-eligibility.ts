import { formatMoney, sumMinor } from '../money/money';
import {
  cancellationWindowEndsAt,
  daysRemaining,
  findPolicy,
  isCancellableKind,
  isWithinWindow,
  lineCredit,
  MS_PER_DAY,
} from '../policies/policies';
import type { Policy, PolicyBook } from '../policies/policy.types';
import type { Money, OfferKind } from '../shared/types';
import type { PlacedOrderState } from './order.state';

export type EligibilityReason = 'eligible' | 'window_passed' | 'already_cancelled' | 'not_cancellable';

export type LineEligibility = {
  lineItemNumber: number;
  offerId: string;
  kind: OfferKind;
  isEligible: boolean;
  reason: EligibilityReason;
  /** What a cancellation now would credit (0 when not eligible). */
  expectedCredit: Money;
  expectedCreditMinor: number;
  basis: 'full' | 'prorated' | null;
  daysUsed: number;
  termDays: number | null;
};

export type CancellationEligibility = {
  orderId: string;
  isEligible: boolean;
  /** Whole days left, rounded up (30 at the purchase instant, 1 in the last 24 h, 0 once closed). */
  daysRemaining: number;
  windowEndsAt: string;
  windowPassed: boolean;
  reason: EligibilityReason;
  currencyCode: string;
  taxInclusive: boolean;
  expectedTotalCredit: Money;
  expectedTotalCreditMinor: number;
  policyVersion: string;
  lineItems: LineEligibility[];
};

/**
 * What a partner sees before cancelling (GET …/cancellationeligibility). Pure: the order state,
 * the instant and the policy (the order's own version, or a PolicyBook to look it up in).
 * The order-level window is the latest window of its cancellable lines (all equal under current
 * policies); an order with no cancellable line reports the policy's longest window, not eligible.
 */
export const cancellationEligibility = (
  state: PlacedOrderState,
  now: Date,
  policyOrBook: Policy | PolicyBook,
): CancellationEligibility => {
  const policy: Policy = 'versions' in policyOrBook ? findPolicy(policyOrBook, state.policyVersion) : policyOrBook;
  const placedAt = new Date(state.placedAt);
  const cancellable = state.lineItems.filter((l) => isCancellableKind(policy, l.kind));
  const ends = cancellable.map((l) => (cancellationWindowEndsAt(policy, l.kind, placedAt) as Date).getTime());
  const longest = Math.max(0, ...Object.values(policy.cancellation.windowDays).map((d) => d ?? 0));
  const windowEndsAt = new Date(ends.length ? Math.max(...ends) : placedAt.getTime() + longest * MS_PER_DAY);
  const alreadyCancelled = state.cancellation !== null;
  const passed = !isWithinWindow(now, windowEndsAt);

  const lineItems: LineEligibility[] = state.lineItems.map((l) => {
    const canKind = isCancellableKind(policy, l.kind);
    const end = canKind ? (cancellationWindowEndsAt(policy, l.kind, placedAt) as Date) : null;
    const reason: EligibilityReason =
      alreadyCancelled || l.cancelled
        ? 'already_cancelled'
        : !canKind
          ? 'not_cancellable'
          : !isWithinWindow(now, end as Date)
            ? 'window_passed'
            : 'eligible';
    const c = lineCredit(policy, l, placedAt, now);
    const credit = reason === 'eligible' ? c.credit : 0;
    return {
      lineItemNumber: l.lineItemNumber,
      offerId: l.offerId,
      kind: l.kind,
      isEligible: reason === 'eligible',
      reason,
      expectedCredit: formatMoney(credit, state.currencyCode),
      expectedCreditMinor: credit,
      basis: canKind ? c.basis : null,
      daysUsed: c.daysUsed,
      termDays: c.termDays,
    };
  });
  const reason: EligibilityReason = alreadyCancelled
    ? 'already_cancelled'
    : cancellable.length === 0
      ? 'not_cancellable'
      : passed
        ? 'window_passed'
        : 'eligible';
  const total = sumMinor(lineItems.map((l) => l.expectedCreditMinor));
  return {
    orderId: state.orderId,
    isEligible: reason === 'eligible',
    daysRemaining: reason === 'eligible' ? daysRemaining(now, windowEndsAt) : 0,
    windowEndsAt: windowEndsAt.toISOString(),
    windowPassed: passed,
    reason,
    currencyCode: state.currencyCode,
    taxInclusive: state.taxInclusive,
    expectedTotalCredit: formatMoney(total, state.currencyCode),
    expectedTotalCreditMinor: total,
    policyVersion: policy.version,
    lineItems,
  };
};

import type { OfferKind, TermDuration } from '../shared/types';
import { proratedCredit } from '../money/proration';
import type { Policy, PolicyBook } from './policy.types';

export const MS_PER_DAY = 24 * 60 * 60 * 1000;
export const MS_PER_MINUTE = 60 * 1000;

export const findPolicy = (book: PolicyBook, version: string): Policy => {
  const p = book.versions.find((v) => v.version === version);
  if (!p) throw new RangeError(`unknown policy version: ${version}`);
  return p;
};

/** The version that governs new purchases (`current` in config/policies.json). */
export const currentPolicy = (book: PolicyBook): Policy => findPolicy(book, book.current);

/** The latest version whose effectiveFrom ≤ instant (for reference; new purchases use `current`). */
export const policyInForceAt = (book: PolicyBook, instant: Date): Policy | undefined =>
  [...book.versions]
    .filter((v) => Date.parse(v.effectiveFrom) <= instant.getTime())
    .sort((a, b) => Date.parse(b.effectiveFrom) - Date.parse(a.effectiveFrom))[0];

export const isCancellableKind = (policy: Policy, kind: OfferKind): boolean =>
  !policy.cancellation.notCancellableKinds.includes(kind) && policy.cancellation.windowDays[kind] !== undefined;

/**
 * End of the cancellation window: the purchase instant + windowDays × 24 h (null: never cancellable).
 * The window is open while now < windowEndsAt ("within 30 days": 29 d 23:59:59.999 in is allowed,
 * exactly 30 × 24 h is refused).
 */
export const cancellationWindowEndsAt = (policy: Policy, kind: OfferKind, placedAt: Date): Date | null => {
  if (!isCancellableKind(policy, kind)) return null;
  const days = policy.cancellation.windowDays[kind] as number;
  return new Date(placedAt.getTime() + days * MS_PER_DAY);
};

export const isWithinWindow = (now: Date, windowEndsAt: Date): boolean => now.getTime() < windowEndsAt.getTime();

/**
 * Whole days remaining to cancel, rounded up: any part of a day left counts as a day
 * (30 at the purchase instant, 1 at 29 d 23:59:59, 0 once the window has closed).
 */
export const daysRemaining = (now: Date, windowEndsAt: Date): number => {
  const ms = windowEndsAt.getTime() - now.getTime();
  return ms <= 0 ? 0 : Math.ceil(ms / MS_PER_DAY);
};

/**
 * Started days since the purchase instant: floor(elapsed / 24 h) + 1 (at least 1).
 * A cancellation in the first 24 h has used 1 day; 2 d 5 h after the purchase (day 3) has used 3.
 */
export const daysUsed = (placedAt: Date, now: Date): number => {
  const elapsed = now.getTime() - placedAt.getTime();
  if (elapsed < 0) return 1;
  return Math.floor(elapsed / MS_PER_DAY) + 1;
};

const addCalendarMonthsUtc = (date: Date, months: number): Date => {
  const y = date.getUTCFullYear();
  const m = date.getUTCMonth() + months;
  const targetYear = y + Math.floor(m / 12);
  const targetMonth = ((m % 12) + 12) % 12;
  const lastDay = new Date(Date.UTC(targetYear, targetMonth + 1, 0)).getUTCDate();
  // End-of-month clamp: 29 Feb + 1 year = 28 Feb.
  return new Date(Date.UTC(targetYear, targetMonth, Math.min(date.getUTCDate(), lastDay)));
};

const TERM_MONTHS: Record<TermDuration, number> = { P1M: 1, P1Y: 12, P3Y: 36, P5Y: 60 };

/**
 * Calendar days of a term starting on the purchase's UTC date: from that date to the same date
 * `n` months/years later (366 for a P1Y spanning 29 Feb; a purchase on 29 Feb ends on 28 Feb).
 */
export const termDays = (termDuration: TermDuration, placedAt: Date): number => {
  const months = TERM_MONTHS[termDuration];
  if (months === undefined) throw new RangeError(`unknown term duration: ${termDuration}`);
  const start = new Date(Date.UTC(placedAt.getUTCFullYear(), placedAt.getUTCMonth(), placedAt.getUTCDate()));
  const end = addCalendarMonthsUtc(start, months);
  return Math.round((end.getTime() - start.getTime()) / MS_PER_DAY);
};

export type LineCredit = { credit: number; basis: 'full' | 'prorated'; daysUsed: number; termDays: number | null };

/**
 * The credit for cancelling a line: perpetual 100 %, subscriptions price × (termDays − daysUsed) / termDays,
 * half-even once per line to the currency's minor unit. `lineTotal` is in minor units.
 */
export const lineCredit = (
  policy: Policy,
  line: { kind: OfferKind; termDuration: TermDuration | null; lineTotal: number },
  placedAt: Date,
  now: Date,
): LineCredit => {
  const used = daysUsed(placedAt, now);
  const basis = policy.credit.basisByKind[line.kind] ?? 'full';
  if (basis === 'full' || line.termDuration === null) {
    return {
      credit: line.lineTotal,
      basis: 'full',
      daysUsed: used,
      termDays: line.termDuration ? termDays(line.termDuration, placedAt) : null,
    };
  }
  const days = termDays(line.termDuration, placedAt);
  return {
    credit: proratedCredit(line.lineTotal, days, used),
    basis: 'prorated',
    daysUsed: Math.min(used, days),
    termDays: days,
  };
};

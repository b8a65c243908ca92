/**
 * Billing periods: calendar months in UTC, spelled YYYY-MM. A closed period takes no more credits: a credit that
 * would belong to it goes to the next period that is still open, and says where it came from.
 */

const PERIOD = /^(\d{4})-(0[1-9]|1[0-2])$/;

export const isBillingPeriod = (value: unknown): value is string => typeof value === 'string' && PERIOD.test(value);

/** The billing period of an instant: its calendar month in UTC. */
export const billingPeriodOf = (instant: string | Date): string =>
  (instant instanceof Date ? instant : new Date(instant)).toISOString().slice(0, 7);

/** Months since year 0 (2026-12 → 2026 × 12 + 11): periods as numbers, for arithmetic. */
export const periodIndex = (period: string): number => {
  const m = PERIOD.exec(period);
  if (!m) throw new Error(`not a billing period: ${period}`);
  return Number(m[1]) * 12 + Number(m[2]) - 1;
};

export const periodOfIndex = (index: number): string =>
  `${String(Math.floor(index / 12)).padStart(4, '0')}-${String((index % 12) + 1).padStart(2, '0')}`;

export const nextPeriod = (period: string): string => periodOfIndex(periodIndex(period) + 1);

/** The first instant after the period (its end, exclusive). */
export const periodEnd = (period: string): Date => {
  const i = periodIndex(period) + 1;
  return new Date(Date.UTC(Math.floor(i / 12), i % 12, 1));
};

/** A period can be closed once it has ended: the current and future months are still open to credits. */
export const hasPeriodEnded = (period: string, now: Date): boolean => periodEnd(period).getTime() <= now.getTime();

/** Where a credit of `period` goes: `period` itself while open, else the first later period that is not closed. */
export function openPeriodFor(period: string, closed: ReadonlySet<string>): string {
  let i = periodIndex(period);
  while (closed.has(periodOfIndex(i))) i++;
  return periodOfIndex(i);
}

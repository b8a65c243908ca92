import { mulDivHalfEven } from './rounding';

/**
 * The subscription credit: price × (termDays − daysUsed) / termDays, half-even to a whole minor unit.
 * daysUsed is clamped to [0, termDays], so 0 ≤ credit ≤ price.
 */
export const proratedCredit = (priceMinor: number, termDays: number, daysUsed: number): number => {
  if (!Number.isSafeInteger(priceMinor) || priceMinor < 0)
    throw new RangeError(`price must be a non-negative integer, got ${priceMinor}`);
  if (!Number.isInteger(termDays) || termDays <= 0)
    throw new RangeError(`termDays must be a positive integer, got ${termDays}`);
  if (!Number.isInteger(daysUsed)) throw new RangeError(`daysUsed must be an integer, got ${daysUsed}`);
  const used = Math.min(Math.max(daysUsed, 0), termDays);
  return mulDivHalfEven(priceMinor, termDays - used, termDays);
};

import type { Money } from '../shared/types';
import { isKnownCurrency, minorUnits } from './currencies';

/** Money in minor units (an integer) and its currency. */
export type MinorMoney = { amountMinor: number; currencyCode: string };

/** Formats minor units as the API's decimal string: formatMoney(123450, 'PLN') → { amount: "1234.50", currencyCode: "PLN" }. */
export const formatMoney = (amountMinor: number, currencyCode: string): Money => {
  if (!Number.isSafeInteger(amountMinor))
    throw new RangeError(`amount must be an integer number of minor units, got ${amountMinor}`);
  const digits = minorUnits(currencyCode);
  const negative = amountMinor < 0;
  const abs = BigInt(Math.abs(amountMinor))
    .toString()
    .padStart(digits + 1, '0');
  const whole = digits === 0 ? abs : abs.slice(0, abs.length - digits);
  const frac = digits === 0 ? '' : `.${abs.slice(abs.length - digits)}`;
  return { amount: `${negative ? '-' : ''}${whole}${frac}`, currencyCode };
};

export type ParseMoneyResult =
  | { ok: true; amountMinor: number; currencyCode: string }
  | { ok: false; field: 'amount' | 'currencyCode'; message: string };

const AMOUNT = /^(-)?(\d{1,15})(?:\.(\d+))?$/;

/**
 * Parses an API money object into minor units. The amount may carry fewer decimals than the
 * currency has ("12.5" USD = 1250) and extra trailing zeros ("12.500" USD), never a non-zero digit
 * beyond the currency's minor unit ("12.345" USD is refused, "100.5" JPY too).
 */
export const parseMoney = (money: { amount: unknown; currencyCode: unknown }): ParseMoneyResult => {
  const { amount, currencyCode } = money ?? ({} as { amount: unknown; currencyCode: unknown });
  if (typeof currencyCode !== 'string' || !isKnownCurrency(currencyCode)) {
    return {
      ok: false,
      field: 'currencyCode',
      message: 'currencyCode must be an ISO 4217 currency code such as "USD"',
    };
  }
  if (typeof amount !== 'string')
    return { ok: false, field: 'amount', message: 'amount must be a decimal string such as "1234.50"' };
  const m = AMOUNT.exec(amount.trim());
  if (!m) return { ok: false, field: 'amount', message: 'amount must be a decimal string such as "1234.50"' };
  const digits = minorUnits(currencyCode);
  const frac = (m[3] ?? '').replace(/0+$/, '');
  if (frac.length > digits) {
    return {
      ok: false,
      field: 'amount',
      message: `${currencyCode} has ${digits} minor digit(s); "${amount}" has more`,
    };
  }
  const minor = BigInt(m[2]) * 10n ** BigInt(digits) + BigInt(frac.padEnd(digits, '0') || '0');
  const value = Number(m[1] ? -minor : minor);
  if (!Number.isSafeInteger(value)) return { ok: false, field: 'amount', message: 'amount is too large' };
  return { ok: true, amountMinor: value, currencyCode };
};

/** Sum of minor-unit amounts (throws past the safe-integer range rather than losing cents). */
export const sumMinor = (amounts: readonly number[]): number => {
  const total = amounts.reduce((acc, a) => acc + BigInt(a), 0n);
  const n = Number(total);
  if (!Number.isSafeInteger(n)) throw new RangeError('sum exceeds the safe integer range');
  return n;
};

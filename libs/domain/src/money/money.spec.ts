import fc from 'fast-check';
import { isKnownCurrency, minorUnits } from './currencies';
import { formatMoney, parseMoney, sumMinor } from './money';
import { divideHalfEven, mulDivHalfEven } from './rounding';

describe('minor units (ISO 4217)', () => {
  it.each([
    ['USD', 2],
    ['EUR', 2],
    ['PLN', 2],
    ['JPY', 0],
    ['KRW', 0],
    ['BHD', 3],
    ['KWD', 3],
    ['CLF', 4],
  ])('%s has %i minor digits', (code, digits) => expect(minorUnits(code)).toBe(digits));

  it('refuses an unknown currency', () => {
    expect(isKnownCurrency('XXY')).toBe(false);
    expect(() => minorUnits('XXY')).toThrow(RangeError);
  });
});

describe('formatMoney', () => {
  it.each([
    [123450, 'PLN', '1234.50'],
    [5, 'USD', '0.05'],
    [0, 'EUR', '0.00'],
    [-1999, 'USD', '-19.99'],
    [160400, 'JPY', '160400'],
    [1421800, 'KRW', '1421800'],
    [328180, 'KWD', '328.180'],
    [7, 'KWD', '0.007'],
  ])('%i %s → %s', (minor, cur, amount) => expect(formatMoney(minor, cur)).toEqual({ amount, currencyCode: cur }));

  it('refuses non-integers', () => expect(() => formatMoney(1.5, 'USD')).toThrow(RangeError));
});

describe('parseMoney', () => {
  it.each([
    [{ amount: '1234.50', currencyCode: 'PLN' }, 123450],
    [{ amount: '12.5', currencyCode: 'USD' }, 1250],
    [{ amount: '12.500', currencyCode: 'USD' }, 1250],
    [{ amount: '160400', currencyCode: 'JPY' }, 160400],
    [{ amount: '328.18', currencyCode: 'KWD' }, 328180],
  ])('%j → %i', (m, minor) =>
    expect(parseMoney(m)).toEqual({ ok: true, amountMinor: minor, currencyCode: m.currencyCode }),
  );

  it.each([
    [{ amount: '12.345', currencyCode: 'USD' }, 'amount'],
    [{ amount: '100.5', currencyCode: 'JPY' }, 'amount'],
    [{ amount: '1,000.00', currencyCode: 'USD' }, 'amount'],
    [{ amount: 12, currencyCode: 'USD' }, 'amount'],
    [{ amount: '12', currencyCode: 'usd' }, 'currencyCode'],
    [{ amount: '12', currencyCode: 'ABC' }, 'currencyCode'],
  ])('%j is refused naming %s', (m, field) => expect(parseMoney(m)).toMatchObject({ ok: false, field }));

  it('round-trips with formatMoney (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -1e12, max: 1e12 }),
        fc.constantFrom('USD', 'JPY', 'KWD', 'EUR', 'KRW', 'BHD'),
        (minor, cur) => {
          const parsed = parseMoney(formatMoney(minor, cur));
          expect(parsed).toEqual({ ok: true, amountMinor: minor, currencyCode: cur });
        },
      ),
    );
  });
});

describe('half-even rounding', () => {
  it.each([
    [5n, 2n, 2n],
    [7n, 2n, 4n],
    [3n, 2n, 2n],
    [1n, 2n, 0n],
    [-5n, 2n, -2n],
    [-7n, 2n, -4n],
    [10n, 3n, 3n],
    [11n, 3n, 4n],
    [5n, -2n, -2n],
  ])('%s / %s → %s', (n, d, q) => expect(divideHalfEven(n, d)).toBe(q));

  it('never differs from the exact quotient by more than ½ (property)', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: -(10n ** 15n), max: 10n ** 15n }),
        fc.bigInt({ min: 1n, max: 10n ** 6n }),
        (n, d) => {
          const q = divideHalfEven(n, d);
          const diff2 = 2n * (n - q * d); // 2·(n − q·d), compare with d
          expect(diff2 <= d && diff2 >= -d).toBe(true);
          if (diff2 === d || diff2 === -d) expect(q % 2n).toBe(0n);
        },
      ),
    );
  });

  it('mulDivHalfEven is exact on large amounts', () => {
    expect(mulDivHalfEven(9_000_000_000_000, 335, 365)).toBe(8_260_273_972_603);
    expect(() => mulDivHalfEven(0.5, 1, 1)).toThrow(RangeError);
  });

  it('division by zero is refused', () => expect(() => divideHalfEven(1n, 0n)).toThrow(RangeError));
});

describe('sumMinor', () => {
  it('sums exactly', () => expect(sumMinor([1, 2, 3])).toBe(6));
  it('refuses to overflow', () => expect(() => sumMinor([Number.MAX_SAFE_INTEGER, 1])).toThrow(RangeError));
});

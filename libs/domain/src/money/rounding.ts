/**
 * Exact rational arithmetic on integers (bigint), rounding half to even. Never floats.
 */

/** numerator / denominator rounded half-even to an integer. denominator must be non-zero. */
export const divideHalfEven = (numerator: bigint, denominator: bigint): bigint => {
  if (denominator === 0n) throw new RangeError('division by zero');
  if (denominator < 0n) {
    numerator = -numerator;
    denominator = -denominator;
  }
  const negative = numerator < 0n;
  const n = negative ? -numerator : numerator;
  let q = n / denominator;
  const r = n % denominator;
  const twice = 2n * r;
  if (twice > denominator || (twice === denominator && q % 2n === 1n)) q += 1n;
  return negative ? -q : q;
};

/** amount × numerator / denominator, half-even, on safe integers. */
export const mulDivHalfEven = (amount: number, numerator: number, denominator: number): number => {
  for (const [name, v] of [
    ['amount', amount],
    ['numerator', numerator],
    ['denominator', denominator],
  ] as const) {
    if (!Number.isSafeInteger(v)) throw new RangeError(`${name} must be a safe integer, got ${v}`);
  }
  const result = divideHalfEven(BigInt(amount) * BigInt(numerator), BigInt(denominator));
  return Number(result);
};

import fc from 'fast-check';
import type { Pool } from 'pg';
import { ProductKeyRevokedError, type IssueProductKeyRequest } from '../ports/licensing.port';
import {
  MASKED_PRODUCT_KEY_PATTERN,
  PRODUCT_KEY_ALPHABET,
  PRODUCT_KEY_PATTERN,
  maskProductKey,
} from '../ports/product-key';
import { DerivedMakLicensingAdapter, deriveMakKey } from './derived-mak-licensing.adapter';

// Keys never reach the test output: assertions test booleans or masked keys, never the clear key.
const SECRET = 'k'.repeat(32);
const request: IssueProductKeyRequest = {
  orderId: '0b9c4f4e-5f1a-4f0e-9a49-6a0d3c1c2f11',
  lineItemNumber: 0,
  offerId: 'DG7GMGF0D7FV:0001:DG7GMGF0D7FW',
  version: '2022',
};

function expectWellFormed(key: string): void {
  expect(maskProductKey(key)).toMatch(MASKED_PRODUCT_KEY_PATTERN);
  expect(PRODUCT_KEY_PATTERN.test(key)).toBe(true);
  expect(key.length).toBe(29);
}

/** A pool that knows a fixed set of revoked line items; the real table is covered by test/adapters. */
function fakePool(revoked: Set<string> = new Set()): Pool {
  return {
    query: async (_sql: string, params: [string, number]) => {
      const rows = revoked.has(`${params[0]}#${params[1]}`) ? [{ revoked_at: new Date(0) }] : [];
      return { rowCount: rows.length, rows };
    },
  } as unknown as Pool;
}

describe('deriveMakKey', () => {
  it('gives five groups of five characters of the product-key alphabet', () => {
    const key = deriveMakKey(SECRET, request);
    expectWellFormed(key);
    expect(key.replace(/-/g, '')).toHaveLength(25);
  });

  it('is stable: the same inputs give the same key', () => {
    expect(deriveMakKey(SECRET, request) === deriveMakKey(SECRET, { ...request })).toBe(true);
    expect(deriveMakKey(Buffer.from(SECRET), request) === deriveMakKey(SECRET, request)).toBe(true);
  });

  it('gives another key for another secret or any other input', () => {
    const base = deriveMakKey(SECRET, request);
    const variants = [
      deriveMakKey('j'.repeat(32), request),
      deriveMakKey(SECRET, { ...request, orderId: '0b9c4f4e-5f1a-4f0e-9a49-6a0d3c1c2f12' }),
      deriveMakKey(SECRET, { ...request, lineItemNumber: 1 }),
      deriveMakKey(SECRET, { ...request, offerId: 'DG7GMGF0D7FV:0002:DG7GMGF0D7FW' }),
      deriveMakKey(SECRET, { ...request, version: '2019' }),
    ];
    expect(variants.every((v) => v !== base)).toBe(true);
    expect(new Set(variants).size).toBe(variants.length);
  });

  it('uses every character of the alphabet, roughly evenly, over 1,000 keys', () => {
    const counts = new Map<string, number>();
    for (let i = 0; i < 1000; i++) {
      for (const c of deriveMakKey(SECRET, { ...request, lineItemNumber: i }).replace(/-/g, '')) {
        counts.set(c, (counts.get(c) ?? 0) + 1);
      }
    }
    expect([...counts.keys()].sort().join('')).toBe([...PRODUCT_KEY_ALPHABET].sort().join(''));
    // 25,000 draws over 24 symbols: ~1,042 each; a biased mapping (byte % 24) would skew the first 16 by ~7%.
    const expected = 25_000 / 24;
    for (const n of counts.values()) expect(Math.abs(n - expected) / expected).toBeLessThan(0.12);
    // Chi-square with 23 degrees of freedom: 49.7 is the 0.1% critical value.
    const chi2 = [...counts.values()].reduce((s, n) => s + (n - expected) ** 2 / expected, 0);
    expect(chi2).toBeLessThan(49.7);
  });

  it('property: any inputs give a well-formed key, deterministically, without clashes between line items', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 32, maxLength: 64 }),
        fc.uuid(),
        fc.nat({ max: 10_000 }),
        fc.stringMatching(/^[A-Z0-9:]{1,40}$/),
        fc.stringMatching(/^[0-9]{4}$/),
        (secret, orderId, lineItemNumber, offerId, version) => {
          const r = { orderId, lineItemNumber, offerId, version };
          const key = deriveMakKey(secret, r);
          return (
            PRODUCT_KEY_PATTERN.test(key) &&
            key === deriveMakKey(secret, r) &&
            key !== deriveMakKey(secret, { ...r, lineItemNumber: lineItemNumber + 1 })
          );
        },
      ),
      { numRuns: 300 },
    );
  });

  it('refuses inputs that could make two different requests share a message', () => {
    expect(() => deriveMakKey(SECRET, { ...request, offerId: 'a|b' })).toThrow(TypeError);
    expect(() => deriveMakKey(SECRET, { ...request, orderId: '' })).toThrow(TypeError);
    expect(() => deriveMakKey(SECRET, { ...request, lineItemNumber: 1.5 })).toThrow(TypeError);
  });
});

describe('DerivedMakLicensingAdapter', () => {
  it('issues the derived MAK key and logs nothing', async () => {
    const spies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((m) =>
      jest.spyOn(console, m).mockImplementation(() => undefined),
    );
    try {
      const adapter = new DerivedMakLicensingAdapter({ secret: SECRET, pool: fakePool() });
      const issued = await adapter.issueProductKey(request);
      expect(issued.keyType).toBe('MAK');
      expectWellFormed(issued.productKey);
      expect(issued.productKey === deriveMakKey(SECRET, request)).toBe(true);
      for (const spy of spies) expect(spy).not.toHaveBeenCalled();
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
  });

  it('refuses to issue a revoked line item', async () => {
    const adapter = new DerivedMakLicensingAdapter({
      secret: SECRET,
      pool: fakePool(new Set([`${request.orderId}#0`])),
    });
    await expect(adapter.issueProductKey(request)).rejects.toBeInstanceOf(ProductKeyRevokedError);
    await expect(adapter.issueProductKey({ ...request, lineItemNumber: 1 })).resolves.toMatchObject({ keyType: 'MAK' });
  });

  it('refuses a short secret', () => {
    expect(() => new DerivedMakLicensingAdapter({ secret: 'short', pool: fakePool() })).toThrow(/at least 32 bytes/);
  });
});

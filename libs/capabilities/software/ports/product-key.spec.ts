import { MASKED_PRODUCT_KEY_PATTERN, PRODUCT_KEY_ALPHABET, PRODUCT_KEY_PATTERN, maskProductKey } from './product-key';

describe('product-key format', () => {
  it('uses the 24-character product-key alphabet', () => {
    expect(PRODUCT_KEY_ALPHABET).toHaveLength(24);
    expect(new Set(PRODUCT_KEY_ALPHABET).size).toBe(24);
  });

  it('masks all but the last group of a 5x5 key', () => {
    const key = 'BCDFG-HJKMP-QRTVW-XY234-6789B';
    expect(PRODUCT_KEY_PATTERN.test(key)).toBe(true);
    expect(maskProductKey(key)).toBe('XXXXX-XXXXX-XXXXX-XXXXX-6789B');
    expect(maskProductKey(key)).toMatch(MASKED_PRODUCT_KEY_PATTERN);
  });

  it('masks opaque strings without revealing short ones', () => {
    expect(maskProductKey('secret')).toBe('XXXXXX');
    expect(maskProductKey('')).toBe('');
    expect(maskProductKey('ABCDEFGHIJKLMNOPQRSTUVWXYZ')).toBe('XXXXXXXXXXXXXXXXXXXXXVWXYZ');
  });
});

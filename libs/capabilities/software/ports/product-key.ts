/**
 * Product-key format helpers. Keys are treated as opaque strings by the domain; these helpers only
 * describe the MAK format the default licensing adapter produces and mask keys for display in logs.
 */

/** The Microsoft product-key alphabet: no vowels (no words), no look-alikes (0/O, 1/I/L, 5/S). */
export const PRODUCT_KEY_ALPHABET = 'BCDFGHJKMPQRTVWXY2346789';

/** Five groups of five characters of the product-key alphabet. */
export const PRODUCT_KEY_PATTERN = /^[BCDFGHJKMPQRTVWXY2346789]{5}(-[BCDFGHJKMPQRTVWXY2346789]{5}){4}$/;

/** A masked key, as it may appear in logs: only the last group visible. */
export const MASKED_PRODUCT_KEY_PATTERN = /^XXXXX-XXXXX-XXXXX-XXXXX-[BCDFGHJKMPQRTVWXY2346789]{5}$/;

/**
 * `XXXXX-XXXXX-XXXXX-XXXXX-ABCDE`: only the last group stays visible, enough for a human to tell keys apart.
 * A string that is not in the 5x5 format (keys are opaque) keeps at most its last 5 characters, and only if
 * they are at most a fifth of it; anything else is fully masked.
 */
export function maskProductKey(key: string): string {
  if (PRODUCT_KEY_PATTERN.test(key)) return `XXXXX-XXXXX-XXXXX-XXXXX-${key.slice(-5)}`;
  const visible = key.length >= 25 ? 5 : 0;
  return key.slice(0, key.length - visible).replace(/[^-\s]/g, 'X') + key.slice(key.length - visible);
}

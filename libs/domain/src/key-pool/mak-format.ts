/**
 * The MAK format (five groups of five characters of the product-key alphabet) and how a key may be shown.
 * Pure: hashing (fingerprints) and encryption live in the key-pool capability.
 */

/** The Microsoft product-key alphabet: no vowels (no words), no look-alikes (0/O, 1/I/L, 5/S). */
export const MAK_ALPHABET = 'BCDFGHJKMPQRTVWXY2346789';

export const MAK_PATTERN = /^[BCDFGHJKMPQRTVWXY2346789]{5}(-[BCDFGHJKMPQRTVWXY2346789]{5}){4}$/;

/** How an imported key is read: surrounding blanks dropped, letters upper-cased (vendors' files vary). */
export const normalizeMak = (raw: string): string => raw.trim().toUpperCase();

export const isMak = (key: string): boolean => MAK_PATTERN.test(key);

/**
 * `XXXXX-…-ABCDE`: the last group only, enough for a human to find the row in the vendor's file. The ellipsis
 * keeps a masked key from ever looking like a key (the log scrubber's 5x5 pattern). A malformed value shows
 * its last five characters only when it is long enough for five to be a fifth of it, else nothing.
 */
export function maskMak(raw: string): string {
  const key = normalizeMak(raw);
  const visible = key.length >= 25 ? key.slice(-5) : '';
  return `XXXXX-…-${visible.replace(/[^A-Z0-9]/g, '?')}`;
}

/** The first 8 hex characters of a SHA-256 fingerprint: what humans and logs see of a key. */
export const shortFingerprint = (fingerprint: string): string => fingerprint.slice(0, 8);

export const FINGERPRINT_PATTERN = /^[0-9a-f]{64}$/;

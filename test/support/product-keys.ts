import { randomInt } from 'node:crypto';

const ALPHABET = 'BCDFGHJKMPQRTVWXY2346789';

/** A random well-formed MAK (test data only: vendors' keys are imported, never made up in production). */
export function randomMak(): string {
  return Array.from({ length: 5 }, () =>
    Array.from({ length: 5 }, () => ALPHABET[randomInt(ALPHABET.length)]).join(''),
  ).join('-');
}

/** A base64 key-encryption key for KEY_ENCRYPTION_KEYS. */
export const testKek = (fill: number): string => Buffer.alloc(32, fill).toString('base64');

import { createHmac } from 'node:crypto';
import type { Pool } from 'pg';
import type { Clock } from '@csp/event-sourcing';
import { LicensingRevocations } from '@csp/capabilities/key-pool';
import {
  ProductKeyRevokedError,
  type IssueProductKeyRequest,
  type IssuedProductKey,
  type LicensingPort,
  type LineItemRef,
  type RevokeKeysRequest,
} from '../ports/licensing.port';
import { PRODUCT_KEY_ALPHABET } from '../ports/product-key';

const KEY_LENGTH = 25;
const GROUP_LENGTH = 5;
/** Largest multiple of 24 that fits a byte (240): bytes at or above it are rejected so every char is equally likely. */
const REJECTION_LIMIT = 256 - (256 % PRODUCT_KEY_ALPHABET.length);
const MIN_SECRET_BYTES = 32;

/**
 * Derives the 25 characters of a MAK-format key from HMAC-SHA256(secret, orderId|lineItemNumber|offerId|version).
 * The HMAC stream is extended block by block (a counter after the message) until 25 bytes survive rejection
 * sampling; with 32 bytes per block and 1/16 rejected, a second block is rarely needed.
 */
export function deriveMakKey(secret: string | Buffer, request: IssueProductKeyRequest): string {
  const message = keyDerivationMessage(request);
  const chars: string[] = [];
  for (let counter = 0; chars.length < KEY_LENGTH; counter++) {
    const counterBytes = Buffer.alloc(4);
    counterBytes.writeUInt32BE(counter);
    const block = createHmac('sha256', secret).update(message).update(counterBytes).digest();
    for (const byte of block) {
      if (byte >= REJECTION_LIMIT) continue;
      chars.push(PRODUCT_KEY_ALPHABET[byte % PRODUCT_KEY_ALPHABET.length]!);
      if (chars.length === KEY_LENGTH) break;
    }
  }
  const groups: string[] = [];
  for (let i = 0; i < KEY_LENGTH; i += GROUP_LENGTH) groups.push(chars.slice(i, i + GROUP_LENGTH).join(''));
  return groups.join('-');
}

function keyDerivationMessage({ orderId, lineItemNumber, offerId, version }: IssueProductKeyRequest): string {
  // '|' separates the fields, so a field containing it could collide with another combination: refuse it.
  for (const [name, value] of [
    ['orderId', orderId],
    ['offerId', offerId],
    ['version', version],
  ] as const) {
    if (typeof value !== 'string' || value.length === 0 || value.includes('|')) {
      throw new TypeError(`Cannot derive a product key: ${name} must be a non-empty string without '|'`);
    }
  }
  if (!Number.isSafeInteger(lineItemNumber) || lineItemNumber < 0) {
    throw new TypeError('Cannot derive a product key: lineItemNumber must be a non-negative integer');
  }
  return `${orderId}|${lineItemNumber}|${offerId}|${version}`;
}

export interface DerivedMakLicensingOptions {
  /** KEY_DERIVATION_SECRET: whoever holds it can recompute every key, so keep it with the other secrets. */
  secret: string | Buffer;
  /** Where the vendor-side revocations are kept (they must survive restarts). */
  pool: Pool;
  clock?: Clock;
}

/**
 * The default licensing adapter: keys are derived, never stored, never logged. Revocations are the
 * vendor-side view in `licensing_revocations`; the write side refuses reveals after OrderCancelled on its own.
 */
export class DerivedMakLicensingAdapter implements LicensingPort {
  private readonly secret: string | Buffer;
  private readonly revocations: LicensingRevocations;
  private readonly clock: Clock | undefined;

  constructor(options: DerivedMakLicensingOptions) {
    if (Buffer.byteLength(options.secret) < MIN_SECRET_BYTES) {
      throw new Error(
        `DerivedMakLicensingAdapter: the key derivation secret must be at least ${MIN_SECRET_BYTES} bytes`,
      );
    }
    this.secret = options.secret;
    this.revocations = new LicensingRevocations(options.pool);
    this.clock = options.clock;
  }

  /** Idempotent and safe to run from several processes at once. */
  migrate(): Promise<void> {
    return this.revocations.migrate();
  }

  async issueProductKey(request: IssueProductKeyRequest): Promise<IssuedProductKey> {
    const productKey = deriveMakKey(this.secret, request);
    if (await this.isRevoked(request)) throw new ProductKeyRevokedError(request.orderId, request.lineItemNumber);
    return { productKey, keyType: 'MAK' };
  }

  async revokeKeys({ orderId, lineItemNumbers }: RevokeKeysRequest): Promise<void> {
    if (lineItemNumbers.length === 0) return;
    await this.revocations.record(orderId, lineItemNumbers, this.clock?.now());
  }

  isRevoked(line: LineItemRef): Promise<boolean> {
    return this.revocations.has(line);
  }

  /** When the vendor revoked the line item, or null: for audits and tests. */
  revokedAt(line: LineItemRef): Promise<Date | null> {
    return this.revocations.revokedAt(line);
  }
}

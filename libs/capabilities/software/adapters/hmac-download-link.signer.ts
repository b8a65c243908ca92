import { createHmac, timingSafeEqual } from 'node:crypto';
import type {
  DownloadLinkClaims,
  DownloadLinkSigner,
  DownloadLinkVerificationError,
  VerifiedDownloadLink,
} from '../ports/download-link-signer.port';

export interface LinkSigningKey {
  /** Travels in the token so the verifier knows which secret to check against. */
  kid: string;
  secret: string | Buffer;
}

const BASE64URL = /^[A-Za-z0-9_-]+$/;
const SIGNATURE_BYTES = 32;
const MIN_SECRET_BYTES = 32;
const MAX_TOKEN_LENGTH = 4096;
const TAMPERED: DownloadLinkVerificationError = { error: 'tampered' };
const MALFORMED: DownloadLinkVerificationError = { error: 'malformed' };

/** The payload as it travels: expiresAt as an ISO string, fields in a fixed order. */
interface WirePayload {
  kid: string;
  linkId: string;
  orderId: string;
  customerId: string;
  lineItemNumber: number;
  version: string;
  language: string;
  bitness: string;
  expiresAt: string;
}

/**
 * `base64url(JSON payload) + '.' + base64url(HMAC-SHA256(secret, encoded payload))`, no padding.
 * Signs with the first key; verifies with whichever key the token's `kid` names, so a secret can rotate:
 * put the new key first and keep the old one in the list until its links have expired.
 */
export class HmacDownloadLinkSigner implements DownloadLinkSigner {
  private readonly keys: ReadonlyMap<string, string | Buffer>;
  private readonly signingKey: LinkSigningKey;

  constructor(keys: readonly LinkSigningKey[]) {
    const [first] = keys;
    if (!first) throw new Error('HmacDownloadLinkSigner: at least one signing key is required');
    const map = new Map<string, string | Buffer>();
    for (const { kid, secret } of keys) {
      if (!kid || map.has(kid)) throw new Error(`HmacDownloadLinkSigner: key ids must be unique and non-empty`);
      if (Buffer.byteLength(secret) < MIN_SECRET_BYTES) {
        throw new Error(`HmacDownloadLinkSigner: the secret of key ${kid} must be at least ${MIN_SECRET_BYTES} bytes`);
      }
      map.set(kid, secret);
    }
    this.keys = map;
    this.signingKey = first;
  }

  sign(claims: DownloadLinkClaims): string {
    const expiresAt = claims.expiresAt.getTime();
    if (!Number.isFinite(expiresAt)) throw new TypeError('HmacDownloadLinkSigner.sign: expiresAt is not a valid date');
    const wire: WirePayload = {
      kid: this.signingKey.kid,
      linkId: claims.linkId,
      orderId: claims.orderId,
      customerId: claims.customerId,
      lineItemNumber: claims.lineItemNumber,
      version: claims.version,
      language: claims.language,
      bitness: claims.bitness,
      expiresAt: new Date(expiresAt).toISOString(),
    };
    const encoded = Buffer.from(JSON.stringify(wire), 'utf8').toString('base64url');
    return `${encoded}.${mac(this.signingKey.secret, encoded).toString('base64url')}`;
  }

  verify(token: string): VerifiedDownloadLink | DownloadLinkVerificationError {
    if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH) return MALFORMED;
    const parts = token.split('.');
    if (parts.length !== 2) return MALFORMED;
    const [encoded, encodedSignature] = parts as [string, string];
    if (!BASE64URL.test(encoded) || !BASE64URL.test(encodedSignature)) return MALFORMED;

    const signature = Buffer.from(encodedSignature, 'base64url');
    // A wrong length, or spare bits set in the last character, is a changed signature, not another encoding of it.
    if (signature.length !== SIGNATURE_BYTES || signature.toString('base64url') !== encodedSignature) return TAMPERED;
    const payloadBytes = Buffer.from(encoded, 'base64url');
    if (payloadBytes.toString('base64url') !== encoded) return TAMPERED;

    // The kid must be read before the signature can be checked; nothing else is trusted until it is.
    let wire: unknown;
    try {
      wire = JSON.parse(payloadBytes.toString('utf8'));
    } catch {
      return TAMPERED;
    }
    const kid = isRecord(wire) && typeof wire.kid === 'string' ? wire.kid : undefined;
    const secret = kid === undefined ? undefined : this.keys.get(kid);
    if (secret === undefined) return TAMPERED;
    if (!timingSafeEqual(mac(secret, encoded), signature)) return TAMPERED;

    // Signed by us but not in the shape we sign: a bug or an old format, not an attack.
    return toVerified(wire) ?? MALFORMED;
  }
}

function mac(secret: string | Buffer, encodedPayload: string): Buffer {
  return createHmac('sha256', secret).update(encodedPayload, 'utf8').digest();
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function toVerified(wire: unknown): VerifiedDownloadLink | undefined {
  if (!isRecord(wire)) return undefined;
  const strings = ['kid', 'linkId', 'orderId', 'customerId', 'version', 'language', 'bitness', 'expiresAt'] as const;
  if (!strings.every((name) => typeof wire[name] === 'string')) return undefined;
  const w = wire as unknown as WirePayload;
  if (!Number.isSafeInteger(w.lineItemNumber)) return undefined;
  const expiresAt = new Date(w.expiresAt);
  if (!Number.isFinite(expiresAt.getTime())) return undefined;
  return {
    kid: w.kid,
    linkId: w.linkId,
    orderId: w.orderId,
    customerId: w.customerId,
    lineItemNumber: w.lineItemNumber,
    version: w.version,
    language: w.language,
    bitness: w.bitness,
    expiresAt,
  };
}

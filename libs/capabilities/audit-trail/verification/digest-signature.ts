// Signed, chained digests (CloudTrail's digest files, one per tenant and interval) and their Ed25519 signatures.
import { createHash, createPublicKey, KeyObject, sign, verify } from 'node:crypto';
import { canonicalJson } from './canonical-event';

/** A digest as stored, served and verified. Every hash is lowercase hex, the signature too. */
export interface AuditDigest {
  tenantId: string;
  /** 1, 2, 3 ... per tenant: the chain's order. */
  sequence: number;
  treeSize: number;
  rootHash: string;
  /** Global positions of the first and last events this digest added to the tree. */
  fromPosition: number;
  toPosition: number;
  /** digestHash of the previous digest of the tenant; null for the first. */
  previousDigestHash: string | null;
  issuedAt: string;
  keyId: string;
  signature: string;
}

export type DigestBody = Omit<AuditDigest, 'signature'>;

const BODY_FIELDS = [
  'tenantId',
  'sequence',
  'treeSize',
  'rootHash',
  'fromPosition',
  'toPosition',
  'previousDigestHash',
  'issuedAt',
  'keyId',
] as const;

const pick = (d: DigestBody, withSignature: boolean): Record<string, unknown> => {
  const out: Record<string, unknown> = Object.fromEntries(BODY_FIELDS.map((f) => [f, d[f]]));
  if (withSignature) out.signature = (d as AuditDigest).signature;
  return out;
};

/** What is signed: the UTF-8 of the RFC 8785 form of every field but the signature. */
export const digestSigningInput = (d: DigestBody): Buffer => Buffer.from(canonicalJson(pick(d, false)), 'utf8');

/** What the next digest names: SHA-256 of the RFC 8785 form of every field, the signature included. */
export const digestHash = (d: AuditDigest): string =>
  createHash('sha256')
    .update(canonicalJson(pick(d, true)), 'utf8')
    .digest('hex');

export function signDigest(body: DigestBody, privateKey: KeyObject): AuditDigest {
  return { ...body, signature: sign(null, digestSigningInput(body), privateKey).toString('hex') };
}

export function verifyDigestSignature(d: AuditDigest, publicKey: KeyObject): boolean {
  if (!/^([0-9a-f]{2})+$/.test(d.signature)) return false;
  try {
    return verify(null, digestSigningInput(d), publicKey, Buffer.from(d.signature, 'hex'));
  } catch {
    return false;
  }
}

/** A public key as GET /v1/audit/keys publishes it. */
export interface PublishedKey {
  kid: string;
  algorithm: 'Ed25519';
  publicKeyPem: string;
  /** First and last instant it signed (validTo null: the current key). */
  validFrom: string | null;
  validTo: string | null;
}

export const publicKeyPem = (key: KeyObject): string =>
  (key.type === 'private' ? createPublicKey(key) : key).export({ type: 'spki', format: 'pem' }).toString();

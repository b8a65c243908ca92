import { createPublicKey, KeyObject } from 'node:crypto';
import type { AuditDigest, PublishedKey } from './digest-signature';

/** The first thing that does not hold: the verifier's exit-1 line. */
export class Discrepancy extends Error {}

export interface StreamGap {
  stream: string;
  missing: [number, number];
  after?: number;
  before: number;
}

export const describeDigest = (d: AuditDigest): string =>
  `digest #${d.sequence} (tenant ${d.tenantId}, tree size ${d.treeSize}, positions ${d.fromPosition}..${d.toPosition}, issued ${d.issuedAt})`;

/** A JSON array, or a collection as the API answers it (`items`). */
const itemsOf = (value: unknown, what: string): unknown[] => {
  if (Array.isArray(value)) return value;
  const items = (value as { items?: unknown } | null)?.items;
  if (Array.isArray(items)) return items;
  throw new Discrepancy(`the ${what} are neither a JSON array nor a collection with items`);
};

const HEX = /^[0-9a-f]+$/;

export function parseDigests(value: unknown): AuditDigest[] {
  const digests = itemsOf(value, 'digests').map((raw, i) => {
    const d = raw as AuditDigest;
    const whole = (n: unknown): boolean => Number.isSafeInteger(n) && (n as number) >= 0;
    const ok =
      typeof d?.tenantId === 'string' &&
      whole(d.sequence) &&
      whole(d.treeSize) &&
      whole(d.fromPosition) &&
      whole(d.toPosition) &&
      typeof d.rootHash === 'string' &&
      HEX.test(d.rootHash) &&
      (d.previousDigestHash === null || (typeof d.previousDigestHash === 'string' && HEX.test(d.previousDigestHash))) &&
      typeof d.issuedAt === 'string' &&
      typeof d.keyId === 'string' &&
      typeof d.signature === 'string';
    if (!ok) throw new Discrepancy(`digest ${i + 1} of the digests file lacks a field or has a malformed one`);
    return d;
  });
  if (digests.length === 0) throw new Discrepancy('there are no digests to verify against');
  return digests.sort((a, b) => a.sequence - b.sequence);
}

export function parseKeys(value: unknown): Map<string, { key: KeyObject; published: PublishedKey }> {
  const keys = new Map<string, { key: KeyObject; published: PublishedKey }>();
  for (const raw of itemsOf(value, 'keys')) {
    const k = raw as PublishedKey;
    if (typeof k?.kid !== 'string' || typeof k.publicKeyPem !== 'string')
      throw new Discrepancy('a key lacks kid or publicKeyPem');
    let key: KeyObject;
    try {
      key = createPublicKey(k.publicKeyPem);
    } catch {
      throw new Discrepancy(`key ${k.kid} is not a PEM public key`);
    }
    if (key.asymmetricKeyType !== 'ed25519') throw new Discrepancy(`key ${k.kid} is not an Ed25519 key`);
    keys.set(k.kid, { key, published: { ...k, validFrom: k.validFrom ?? null, validTo: k.validTo ?? null } });
  }
  return keys;
}

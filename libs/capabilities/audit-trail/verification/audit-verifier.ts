// The auditor's check, offline: signatures, the chain, every digest's root rebuilt from the export, consistency
// between consecutive digests. Streams the export once; memory: 32 bytes per event plus one entry per stream.
import type { KeyObject } from 'node:crypto';
import { parseEventLine } from './canonical-event';
import { AuditDigest, digestHash, PublishedKey, verifyDigestSignature } from './digest-signature';
import {
  CompactRange,
  consistencyProof,
  fromHex,
  Hash,
  leafHash,
  NodeSource,
  nodeHash,
  splitPoint,
  toHex,
  verifyConsistency,
  verifyInclusion,
} from './merkle';
import { describeDigest, Discrepancy, parseDigests, parseKeys, StreamGap } from './verifier-inputs';

/** Optional checks against a running service (--url): its own proofs for the digests' trees. */
export interface ProofSource {
  inclusion(eventId: string, treeSize: number): Promise<{ leafIndex: number; auditPath: string[] } | undefined>;
  consistency(first: number, second: number): Promise<string[]>;
}

export interface VerifyInput {
  digests: unknown;
  keys: unknown;
  /** The export's lines, in order. */
  lines: AsyncIterable<string>;
  proofs?: ProofSource;
  onProgress?: (events: number) => void;
}

export type VerifyResult = { ok: true; summary: string } | { ok: false; discrepancy: string };

/** Perfect nodes from this level up are kept; below it they are recomputed from the leaves (at most 63 hashes). */
const CACHED_LEVEL = 6;
/** Events of one digest kept to name the changed one with the service's proofs. */
const PINPOINT_LIMIT = 10_000;

interface PendingEvent {
  id: string;
  position: number;
  stream: string;
  streamPosition: number;
  leafIndex: number;
}

export async function verifyAuditTrail(input: VerifyInput): Promise<VerifyResult> {
  try {
    return { ok: true, summary: await run(input) };
  } catch (error) {
    if (error instanceof Discrepancy) return { ok: false, discrepancy: error.message };
    throw error;
  }
}

async function run(input: VerifyInput): Promise<string> {
  const keys = parseKeys(input.keys);
  const digests = parseDigests(input.digests);
  checkChain(digests, keys);

  const range = new CompactRange();
  let leaves = Buffer.alloc(32 * 1024);
  const cache = new Map<string, Hash>();
  const leafAt = (i: number): Hash => leaves.subarray(i * 32, i * 32 + 32);
  const node: NodeSource = (level, index) =>
    level >= CACHED_LEVEL
      ? (cache.get(`${level}:${index}`) as Hash)
      : level === 0
        ? leafAt(index)
        : hashLeaves(leafAt, index * 2 ** level, (index + 1) * 2 ** level);

  const streams = new Map<string, { streamPosition: number; position: number }>();
  let gap: StreamGap | undefined;
  let pending: PendingEvent[] = [];
  let lineNo = 0;
  let lastPosition = -1;
  let next = 0;
  let previous: AuditDigest | undefined;

  for await (const raw of input.lines) {
    lineNo += 1;
    if (raw === '') continue;
    const event = parseEventLine(raw);
    if (typeof event === 'string') throw new Discrepancy(`export line ${lineNo} ${event}`);
    const at = `export line ${lineNo} (position ${event.position}, stream ${event.stream})`;
    if (event.position <= lastPosition)
      throw new Discrepancy(`${at} comes after position ${lastPosition}: the export is out of order`);
    lastPosition = event.position;
    const seen = streams.get(event.stream);
    if (seen && event.streamPosition <= seen.streamPosition) {
      throw new Discrepancy(
        `${at}: streamPosition ${event.streamPosition} comes after streamPosition ${seen.streamPosition} ` +
          `(position ${seen.position}): the events' order was changed`,
      );
    }
    const expected = seen ? seen.streamPosition + 1 : 1;
    if (event.streamPosition > expected && !gap) {
      gap = {
        stream: event.stream,
        missing: [expected, event.streamPosition - 1],
        after: seen?.position,
        before: event.position,
      };
    }
    streams.set(event.stream, { streamPosition: event.streamPosition, position: event.position });

    const leafIndex = range.size;
    const leaf = leafHash(Buffer.from(raw, 'utf8'));
    if (leaves.length < (leafIndex + 1) * 32) leaves = Buffer.concat([leaves, Buffer.alloc(leaves.length)]);
    leaf.copy(leaves, leafIndex * 32);
    for (const done of range.append(leaf)) {
      if (done.level >= CACHED_LEVEL) cache.set(`${done.level}:${done.index}`, done.hash);
    }
    if (pending.length < PINPOINT_LIMIT) pending.push({ ...event, leafIndex });
    if (input.onProgress && range.size % 1000 === 0) input.onProgress(range.size);

    const digest = digests[next];
    if (!digest) continue;
    if (leafIndex === (previous?.treeSize ?? 0) && event.position !== digest.fromPosition) {
      throw new Discrepancy(
        `${describeDigest(digest)} starts at position ${digest.fromPosition}, but the export ` +
          (event.position > digest.fromPosition
            ? `has no event at position ${digest.fromPosition} (its leaf ${leafIndex} is ${at.replace('export ', '')}): it was removed or moved`
            : `has ${at.replace('export ', '')} there (leaf ${leafIndex}): events were added or moved`) +
          hint(gap),
      );
    }
    if (range.size !== digest.treeSize) continue;
    if (event.position !== digest.toPosition) {
      throw new Discrepancy(
        `${describeDigest(digest)} ends at position ${digest.toPosition}, but its last leaf (${leafIndex}) in the export ` +
          `is ${at.replace('export ', '')}: events were removed or added${hint(gap)}`,
      );
    }
    const root = range.root();
    if (toHex(root) !== digest.rootHash) {
      const changed = await pinpoint(input.proofs, pending, leafAt, digest);
      throw new Discrepancy(
        `${describeDigest(digest)}: the export's events rebuild root ${toHex(root)}, the digest signs ${digest.rootHash}: ` +
          (changed ??
            `an event at positions ${digest.fromPosition}..${digest.toPosition} was changed, removed or reordered`) +
          hint(gap),
      );
    }
    if (previous) await checkConsistency(previous, digest, node, input.proofs);
    previous = digest;
    pending = [];
    next += 1;
  }

  const missing = digests[next];
  if (missing) {
    throw new Discrepancy(
      `${describeDigest(missing)} covers ${missing.treeSize} events up to position ${missing.toPosition}, but the ` +
        `export ends after ${range.size} events (last position ${lastPosition}): events were removed${hint(gap)}`,
    );
  }
  const last = digests[digests.length - 1];
  const uncovered = range.size - last.treeSize;
  return (
    `audit trail verified: tenant ${last.tenantId}, ${range.size} events, ${digests.length} digests ` +
    `(#1..#${last.sequence}, keys ${[...new Set(digests.map((d) => d.keyId))].join(', ')}): signatures, chain, ` +
    `roots and consistency hold; latest root ${last.rootHash} at tree size ${last.treeSize}` +
    (uncovered > 0 ? `; ${uncovered} later events are not covered by a digest yet` : '')
  );
}

function checkChain(digests: AuditDigest[], keys: Map<string, { key: KeyObject; published: PublishedKey }>): void {
  let previous: AuditDigest | undefined;
  for (const d of digests) {
    const key = keys.get(d.keyId);
    if (!key)
      throw new Discrepancy(`${describeDigest(d)} is signed by key ${d.keyId}, which is not among the published keys`);
    if (!verifyDigestSignature(d, key.key)) {
      throw new Discrepancy(
        `${describeDigest(d)}: the signature does not verify with key ${d.keyId}: the digest was altered or forged`,
      );
    }
    const { validFrom, validTo } = key.published;
    if ((validFrom && d.issuedAt < validFrom) || (validTo && d.issuedAt > validTo)) {
      throw new Discrepancy(`${describeDigest(d)} was issued at ${d.issuedAt}, outside key ${d.keyId}'s validity`);
    }
    if (!previous) {
      if (d.sequence !== 1 || d.previousDigestHash !== null) {
        throw new Discrepancy(
          `${describeDigest(d)} is the first digest given, but the chain starts at #1: digests are missing before it`,
        );
      }
    } else {
      if (d.tenantId !== previous.tenantId)
        throw new Discrepancy(`${describeDigest(d)} belongs to another tenant than #${previous.sequence}`);
      const expected = digestHash(previous);
      if (d.previousDigestHash !== expected || d.sequence !== previous.sequence + 1) {
        const gap = d.sequence - previous.sequence - 1;
        throw new Discrepancy(
          `${describeDigest(d)} names previous digest ${d.previousDigestHash}, but the digest before it is ` +
            `#${previous.sequence} (hash ${expected})` +
            (gap > 0
              ? `: digest${gap > 1 ? 's' : ''} #${previous.sequence + 1}${gap > 1 ? `..#${d.sequence - 1}` : ''} missing from the chain`
              : ': the chain is broken'),
        );
      }
      if (d.treeSize <= previous.treeSize || d.fromPosition <= previous.toPosition) {
        throw new Discrepancy(
          `${describeDigest(d)} does not extend #${previous.sequence} (tree size ${previous.treeSize})`,
        );
      }
    }
    previous = d;
  }
}

async function checkConsistency(a: AuditDigest, b: AuditDigest, node: NodeSource, proofs?: ProofSource): Promise<void> {
  const own = consistencyProof(node, a.treeSize, b.treeSize);
  const ok = verifyConsistency(a.treeSize, b.treeSize, fromHex(a.rootHash), fromHex(b.rootHash), own);
  if (!ok) throw new Discrepancy(`${describeDigest(b)} is not consistent with #${a.sequence}`);
  if (!proofs) return;
  const theirs = (await proofs.consistency(a.treeSize, b.treeSize)).map(fromHex);
  if (!verifyConsistency(a.treeSize, b.treeSize, fromHex(a.rootHash), fromHex(b.rootHash), theirs)) {
    throw new Discrepancy(
      `the service's consistency proof from #${a.sequence} (tree size ${a.treeSize}) to #${b.sequence} ` +
        `(tree size ${b.treeSize}) does not verify against the signed roots: the service's tree was rewritten`,
    );
  }
}

/** With the service's proofs (built from the leaf hashes it recorded), the one event that differs. */
async function pinpoint(
  proofs: ProofSource | undefined,
  pending: PendingEvent[],
  leafAt: (i: number) => Hash,
  digest: AuditDigest,
): Promise<string | undefined> {
  if (!proofs) return undefined;
  for (const e of pending) {
    const proof = await proofs.inclusion(e.id, digest.treeSize).catch(() => undefined);
    const ok =
      proof !== undefined &&
      proof.leafIndex === e.leafIndex &&
      verifyInclusion(
        e.leafIndex,
        digest.treeSize,
        leafAt(e.leafIndex),
        proof.auditPath.map(fromHex),
        fromHex(digest.rootHash),
      );
    if (!ok) {
      return `the event at position ${e.position} (stream ${e.stream}, streamPosition ${e.streamPosition}, id ${e.id}) is not the one the digest signed`;
    }
  }
  return undefined;
}

function hashLeaves(leafAt: (i: number) => Hash, start: number, end: number): Hash {
  if (end - start === 1) return leafAt(start);
  const k = splitPoint(end - start);
  return nodeHash(hashLeaves(leafAt, start, start + k), hashLeaves(leafAt, start + k, end));
}

function hint(gap: StreamGap | undefined): string {
  if (!gap) return '';
  const [from, to] = gap.missing;
  const which = from === to ? `streamPosition ${from}` : `streamPositions ${from}..${to}`;
  const where =
    gap.after === undefined ? `before position ${gap.before}` : `between positions ${gap.after} and ${gap.before}`;
  return `; first sign: stream ${gap.stream} has no ${which} (${where})`;
}

// RFC 9162 section 2.1 (RFC 6962 section 2.1) Merkle tree hashing, proofs and their verification. Pure: no Nest,
// no I/O, so that the offline verifier (apps/cli) and the worker share one implementation.
import { createHash, hash } from 'node:crypto';

export type Hash = Buffer;

const sha256 = (...parts: Uint8Array[]): Hash => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
};

const LEAF_PREFIX = Buffer.from([0x00]);
const NODE_PREFIX = Buffer.from([0x01]);

/** MTH({}) = SHA-256() */
export const EMPTY_ROOT: Hash = sha256();
export const leafHash = (data: Uint8Array): Hash => sha256(LEAF_PREFIX, data);
/** The leaf hash of a text's UTF-8 bytes (one call into OpenSSL, no intermediate buffer). */
export const leafHashOfText = (text: string): Hash => hash('sha256', `\u0000${text}`, 'buffer');
export const nodeHash = (left: Hash, right: Hash): Hash => sha256(NODE_PREFIX, left, right);

/** 0x01 ‖ left ‖ right, reused: appends hash about one node per leaf, without a buffer or hasher object each. */
const scratch = Buffer.alloc(65, 1);
const appendedNode = (left: Hash, right: Hash): Hash => {
  left.copy(scratch, 1);
  right.copy(scratch, 33);
  return hash('sha256', scratch, 'buffer');
};

export const toHex = (h: Hash): string => h.toString('hex');
export const fromHex = (hex: string): Hash => {
  if (!/^([0-9a-f]{2})*$/.test(hex)) throw new Error(`not lowercase hex: ${hex.slice(0, 16)}`);
  return Buffer.from(hex, 'hex');
};

const isPowerOfTwo = (n: number): boolean => n > 0 && 2 ** Math.floor(Math.log2(n)) === n;

/** The largest power of two smaller than n (n > 1): RFC 9162's k. */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/**
 * Hash of the perfect subtree of 2^level leaves that starts at leaf index * 2^level. Storage keeps exactly these
 * nodes, so any subtree a proof needs is a handful of lookups.
 */
export type NodeSource = (level: number, index: number) => Hash;

/** MTH(D[start:end]) from perfect nodes; every range a proof asks for splits into aligned perfect subtrees. */
export function subtreeHash(node: NodeSource, start: number, end: number): Hash {
  const n = end - start;
  if (n <= 0) return EMPTY_ROOT;
  if (isPowerOfTwo(n) && start % n === 0) return node(Math.log2(n), start / n);
  const k = splitPoint(n);
  return nodeHash(subtreeHash(node, start, start + k), subtreeHash(node, start + k, end));
}

export const rootHash = (node: NodeSource, size: number): Hash => subtreeHash(node, 0, size);

/** PATH(m, D[start:end]) of RFC 9162 2.1.3.1, bottom-up. */
function path(node: NodeSource, m: number, start: number, end: number): Hash[] {
  const n = end - start;
  if (n <= 1) return [];
  const k = splitPoint(n);
  if (m < k) return [...path(node, m, start, start + k), subtreeHash(node, start + k, end)];
  return [...path(node, m - k, start + k, end), subtreeHash(node, start, start + k)];
}

export function inclusionProof(node: NodeSource, leafIndex: number, treeSize: number): Hash[] {
  if (!(leafIndex >= 0 && leafIndex < treeSize))
    throw new RangeError(`leaf ${leafIndex} is not in a tree of ${treeSize}`);
  return path(node, leafIndex, 0, treeSize);
}

/** SUBPROOF(m, D[start:end], b) of RFC 9162 2.1.4.1. */
function subproof(node: NodeSource, m: number, start: number, end: number, whole: boolean): Hash[] {
  const n = end - start;
  if (m === n) return whole ? [] : [subtreeHash(node, start, end)];
  const k = splitPoint(n);
  if (m <= k) return [...subproof(node, m, start, start + k, whole), subtreeHash(node, start + k, end)];
  return [...subproof(node, m - k, start + k, end, false), subtreeHash(node, start, start + k)];
}

export function consistencyProof(node: NodeSource, first: number, second: number): Hash[] {
  if (!(first >= 0 && first <= second)) throw new RangeError(`no consistency proof from ${first} to ${second}`);
  if (first === 0 || first === second) return [];
  return subproof(node, first, 0, second, true);
}

/** The nodes a computation reads, without their hashes: lets storage fetch them all in one query first. */
export function nodesNeeded(compute: (node: NodeSource) => unknown): Array<[number, number]> {
  const seen = new Map<string, [number, number]>();
  compute((level, index) => {
    seen.set(`${level}:${index}`, [level, index]);
    return EMPTY_ROOT;
  });
  return [...seen.values()];
}

const odd = (n: number): boolean => n % 2 === 1;
const half = (n: number): number => Math.floor(n / 2);
const same = (a: Hash, b: Hash): boolean => a.length === b.length && a.equals(b);

/** RFC 9162 2.1.3.2. */
export function verifyInclusion(leafIndex: number, treeSize: number, leaf: Hash, proof: Hash[], root: Hash): boolean {
  if (!Number.isSafeInteger(leafIndex) || !Number.isSafeInteger(treeSize) || leafIndex < 0 || leafIndex >= treeSize)
    return false;
  if (leaf.length !== 32 || root.length !== 32) return false;
  let fn = leafIndex;
  let sn = treeSize - 1;
  let r = leaf;
  for (const p of proof) {
    if (p.length !== 32 || sn === 0) return false;
    if (odd(fn) || fn === sn) {
      r = nodeHash(p, r);
      while (!odd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && same(r, root);
}

/** RFC 9162 2.1.4.2; a proof from the empty tree is meaningless (refused), equal sizes need equal roots. */
export function verifyConsistency(
  first: number,
  second: number,
  firstRoot: Hash,
  secondRoot: Hash,
  proof: Hash[],
): boolean {
  if (!Number.isSafeInteger(first) || !Number.isSafeInteger(second) || first < 0 || second < first) return false;
  if (first === 0) return false;
  if (first === second) return proof.length === 0 && same(firstRoot, secondRoot);
  if (firstRoot.length !== 32 || secondRoot.length !== 32) return false;
  if (proof.length === 0 || proof.some((p) => p.length !== 32)) return false;
  const path = isPowerOfTwo(first) ? [firstRoot, ...proof] : proof;
  let fn = first - 1;
  let sn = second - 1;
  while (odd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  let fr = path[0];
  let sr = path[0];
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (odd(fn) || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      while (!odd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && same(fr, firstRoot) && same(sr, secondRoot);
}

/** A perfect node completed by an append: its level, index and hash (what storage keeps). */
export interface CompletedNode {
  level: number;
  index: number;
  hash: Hash;
}
const NOTHING_COMPLETED: readonly CompletedNode[] = Object.freeze([]);

/**
 * The right edge of a growing tree (a "compact range"): the roots of its perfect subtrees, left to right,
 * at most log2(size) hashes. Enough to append leaves and to compute the root, in constant memory.
 */
export class CompactRange {
  constructor(
    private count = 0,
    private readonly peaks: Hash[] = [],
  ) {
    if (peaks.length !== popCount(count))
      throw new Error(`a tree of ${count} has ${popCount(count)} peaks, not ${peaks.length}`);
  }

  get size(): number {
    return this.count;
  }

  get frontier(): readonly Hash[] {
    return this.peaks;
  }

  /**
   * Appends a leaf hash; returns every perfect node it completed (the leaf itself first, at level 0), or only those
   * from level `keepFrom` up (storage keeps no lower ones).
   */
  append(leaf: Hash, keepFrom = 0): readonly CompletedNode[] {
    let completed: CompletedNode[] | undefined =
      keepFrom === 0 ? [{ level: 0, index: this.count, hash: leaf }] : undefined;
    let h = leaf;
    let s = this.count;
    let level = 0;
    while (odd(s)) {
      h = appendedNode(this.peaks.pop() as Hash, h);
      s = half(s);
      level += 1;
      if (level >= keepFrom) (completed ??= []).push({ level, index: s, hash: h });
    }
    this.peaks.push(h);
    this.count += 1;
    return completed ?? NOTHING_COMPLETED;
  }

  root(): Hash {
    if (this.peaks.length === 0) return EMPTY_ROOT;
    let r = this.peaks[this.peaks.length - 1];
    for (let i = this.peaks.length - 2; i >= 0; i--) r = nodeHash(this.peaks[i], r);
    return r;
  }
}

function popCount(n: number): number {
  let c = 0;
  for (let x = n; x > 0; x = half(x)) if (odd(x)) c += 1;
  return c;
}

/** Every perfect node of a tree held in memory (tests, small trees): levels[level][index]. */
export function memoryNodes(leaves: readonly Hash[]): NodeSource {
  const levels: Hash[][] = [leaves.slice()];
  while (levels[levels.length - 1].length > 1) {
    const below = levels[levels.length - 1];
    const next: Hash[] = [];
    for (let i = 0; i + 1 < below.length; i += 2) next.push(nodeHash(below[i], below[i + 1]));
    levels.push(next);
  }
  return (level, index) => {
    const h = levels[level]?.[index];
    if (!h) throw new RangeError(`no node ${level}:${index}`);
    return h;
  };
}

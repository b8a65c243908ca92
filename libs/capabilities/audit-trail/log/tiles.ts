// How a tree is stored (transparency-dev style tiles, pure: no I/O). The leaves go in tiles of 256: one row holds each
// complete tile (per leaf its hash, its event's global position and id, and a Bloom filter of the ids), the
// unfinished last tile lives in the tree's own row. Perfect subtrees of 256 leaves and more are stored one per row
// (one per 128 leaves in all); any lower node a proof needs is recomputed from the ≤ 256 leaf hashes of the one
// tile it lies in. Nothing is written per event but its 56 bytes in a tile: no row, no index entry.
import { CompactRange, Hash, NodeSource, nodeHash } from '../verification/merkle';

/** Levels inside a tile: a tile is the perfect subtree of 2^8 leaves. */
export const TILE_HEIGHT = 8;
export const TILE_WIDTH = 2 ** TILE_HEIGHT;
/** Per leaf: its hash (32 bytes), its event's global position (unsigned 64-bit, big-endian), its event id (16). */
export const LEAF_BYTES = 56;
const ID_AT = 40;
/** A tile's Bloom filter of its event ids: 4,096 bits, 6 per id (about 1 false candidate per 1,500 tiles). */
export const BLOOM_BYTES = 512;
const BLOOM_BITS = BLOOM_BYTES * 8;
const BLOOM_HASHES = 6;

const TWO_32 = 2 ** 32;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Hex digit values by character code (-1: not one). */
const HEX = new Int8Array(128).fill(-1);
for (let i = 0; i < 16; i++) {
  HEX['0123456789abcdef'.charCodeAt(i)] = i;
  HEX['0123456789ABCDEF'.charCodeAt(i)] = i;
}
/** Where the 32 hex digits of a UUID's text are. */
const DIGITS = [0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34];

/**
 * Writes the 16 bytes of a UUID (every store's event ids are UUIDs) at `at`; false (and nothing reliable written)
 * for anything else.
 */
export function writeUuid(target: Uint8Array, at: number, id: string): boolean {
  if (id.length !== 36 || !UUID.test(id)) return false;
  for (let i = 0; i < 16; i++) {
    const d = DIGITS[i];
    target[at + i] = (HEX[id.charCodeAt(d)] << 4) | HEX[id.charCodeAt(d + 1)];
  }
  return true;
}

/** The 16 bytes of a UUID; undefined for anything else. */
export function uuidBytes(id: string): Buffer | undefined {
  const bytes = Buffer.alloc(16);
  return writeUuid(bytes, 0, id) ? bytes : undefined;
}

/** Calls `bit` with each filter bit of the id at `at`: double hashing over two FNV-1a variants of its bytes. */
function forEachBloomBit(id: Uint8Array, at: number, bit: (n: number) => void): void {
  let h1 = 0x811c9dc5;
  let h2 = 0x5bd1e995;
  for (let i = at; i < at + 16; i++) {
    h1 = Math.imul(h1 ^ id[i], 0x01000193);
    h2 = Math.imul(h2 ^ id[i], 0x5bd1e995);
    h2 ^= h2 >>> 15;
  }
  const a = h1 >>> 0;
  const b = (h2 | 1) >>> 0;
  for (let i = 0; i < BLOOM_HASHES; i++) bit((a + i * b) % BLOOM_BITS);
}

/** The filter bits of a 16-byte id. */
export function bloomBits(id: Uint8Array): number[] {
  const bits: number[] = [];
  forEachBloomBit(id, 0, (n) => bits.push(n));
  return bits;
}

/** Sets the bits of the id at `at` (bit n is bit n % 8, from the least significant, of byte n / 8: get_bit's). */
function addToBloom(bloom: Buffer, id: Uint8Array, at: number): void {
  forEachBloomBit(id, at, (n) => (bloom[n >> 3] |= 1 << (n & 7)));
}

/** Writes a leaf into its slot; false when the event id is not a UUID. */
export function writeLeaf(target: Buffer, slot: number, hash: Hash, position: number, id: string): boolean {
  const at = slot * LEAF_BYTES;
  hash.copy(target, at);
  target.writeUInt32BE(Math.floor(position / TWO_32), at + 32);
  target.writeUInt32BE(position % TWO_32, at + 36);
  return writeUuid(target, at + ID_AT, id);
}

/** The slot of the leaf whose event has this id, or -1. */
export function slotOf(leaves: Buffer, id: Uint8Array): number {
  for (let slot = 0, at = ID_AT; at < leaves.length; slot++, at += LEAF_BYTES)
    if (leaves.compare(id, 0, 16, at, at + 16) === 0) return slot;
  return -1;
}

export const leafCount = (leaves: Buffer): number => leaves.length / LEAF_BYTES;
export const leafHashAt = (leaves: Buffer, slot: number): Hash =>
  leaves.subarray(slot * LEAF_BYTES, slot * LEAF_BYTES + 32);
export const positionAt = (leaves: Buffer, slot: number): number =>
  leaves.readUInt32BE(slot * LEAF_BYTES + 32) * TWO_32 + leaves.readUInt32BE(slot * LEAF_BYTES + 36);

/** A stored perfect subtree (level ≥ TILE_HEIGHT). */
export interface StoredNode {
  level: number;
  index: number;
  hash: Hash;
}

/**
 * A tree being appended to: its right edge (for the root and the next nodes) and its unfinished tile. Appending
 * collects what storage must write: complete tiles and the perfect subtrees of TILE_HEIGHT and above.
 */
export class GrowingTree {
  private readonly range: CompactRange;
  /** The unfinished tile's leaves (room for a whole tile), and how many it holds. */
  private tail = Buffer.alloc(TILE_WIDTH * LEAF_BYTES);
  private tailCount: number;
  /** The unfinished tile's filter (rebuilt from its ids: only complete tiles store one). */
  private bloom = Buffer.alloc(BLOOM_BYTES);
  readonly tiles: Array<{ tile: number; leaves: Buffer; bloom: Buffer }> = [];
  readonly nodes: StoredNode[] = [];

  constructor(size = 0, frontier: Hash[] = [], tail: Buffer = Buffer.alloc(0)) {
    this.range = new CompactRange(size, frontier);
    this.tailCount = leafCount(tail);
    if (this.tailCount !== size % TILE_WIDTH)
      throw new Error(`a tree of ${size} has ${size % TILE_WIDTH} leaves in its last tile, not ${this.tailCount}`);
    tail.copy(this.tail);
    for (let at = ID_AT; at < tail.length; at += LEAF_BYTES) addToBloom(this.bloom, tail, at);
  }

  get size(): number {
    return this.range.size;
  }

  get frontier(): readonly Hash[] {
    return this.range.frontier;
  }

  /** The unfinished tile's leaves, as stored in the tree's row. */
  get tailLeaves(): Buffer {
    return Buffer.from(this.tail.subarray(0, this.tailCount * LEAF_BYTES));
  }

  /** Appends a leaf: its hash, its event's global position and id (a UUID). */
  append(leaf: Hash, position: number, id: string): void {
    const index = this.range.size;
    if (!writeLeaf(this.tail, this.tailCount, leaf, position, id))
      throw new Error(`event ${id} at position ${position}: an event id must be a UUID`);
    addToBloom(this.bloom, this.tail, this.tailCount++ * LEAF_BYTES + ID_AT);
    for (const node of this.range.append(leaf, TILE_HEIGHT)) this.nodes.push(node);
    if (this.tailCount === TILE_WIDTH) {
      this.tiles.push({ tile: Math.floor(index / TILE_WIDTH), leaves: this.tail, bloom: this.bloom });
      this.tail = Buffer.alloc(TILE_WIDTH * LEAF_BYTES);
      this.bloom = Buffer.alloc(BLOOM_BYTES);
      this.tailCount = 0;
    }
  }

  root(): Hash {
    return this.range.root();
  }
}

/** What a computation over a NodeSource needs from storage: stored nodes (level ≥ 8) and leaf tiles. */
export function storageNeeded(needed: Array<[number, number]>): { nodes: Array<[number, number]>; tiles: number[] } {
  const nodes: Array<[number, number]> = [];
  const tiles = new Set<number>();
  for (const [level, index] of needed) {
    if (level >= TILE_HEIGHT) nodes.push([level, index]);
    else tiles.add(Math.floor((index * 2 ** level) / TILE_WIDTH));
  }
  return { nodes, tiles: [...tiles] };
}

/** MTH of the perfect run of `count` leaves from `first` (a power of two) within one tile's leaves. */
function perfectHash(leaves: Buffer, first: number, count: number): Hash {
  if (first + count > leafCount(leaves)) throw new RangeError('the tile does not hold these leaves');
  if (count === 1) return leafHashAt(leaves, first);
  const half = count / 2;
  return nodeHash(perfectHash(leaves, first, half), perfectHash(leaves, first + half, half));
}

/**
 * A NodeSource over storage: nodes of TILE_HEIGHT and above as stored, lower ones recomputed from their tile's
 * leaf hashes (each at most 255 node hashes). `missing` names what storage lacks (an error, never a guess).
 */
export function tiledNodeSource(
  nodes: Map<string, Hash>,
  tiles: Map<number, Buffer>,
  missing: (what: string) => Error,
): NodeSource {
  return (level, index) => {
    if (level >= TILE_HEIGHT) {
      const hash = nodes.get(`${level}:${index}`);
      if (!hash) throw missing(`node ${level}:${index}`);
      return hash;
    }
    const first = index * 2 ** level;
    const tile = Math.floor(first / TILE_WIDTH);
    const leaves = tiles.get(tile);
    if (!leaves) throw missing(`tile ${tile}`);
    return perfectHash(leaves, first % TILE_WIDTH, 2 ** level);
  };
}

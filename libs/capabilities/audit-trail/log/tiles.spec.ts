import fc from 'fast-check';
import { createHash } from 'node:crypto';
import {
  consistencyProof,
  Hash,
  inclusionProof,
  leafHash,
  memoryNodes,
  nodesNeeded,
  rootHash,
  toHex,
} from '../verification/merkle';
import {
  bloomBits,
  GrowingTree,
  LEAF_BYTES,
  leafCount,
  positionAt,
  slotOf,
  storageNeeded,
  TILE_HEIGHT,
  TILE_WIDTH,
  tiledNodeSource,
  uuidBytes,
} from './tiles';

const leaf = (i: number): Hash => leafHash(createHash('sha256').update(`event ${i}`).digest());
/** A position past 2^32 (they are transaction ids shifted left), distinct per leaf. */
const positionOf = (i: number): number => 2 ** 40 + i * 4099;
/** A UUID per leaf (its text, as the store gives it), and its bytes. */
const uuidOf = (i: number): string =>
  createHash('sha256')
    .update(`id ${i}`)
    .digest('hex')
    .slice(0, 32)
    .replace(/^(.{8})(.{4})(.{4})(.{4})/, '$1-$2-$3-$4-');
const idOf = (i: number): Buffer => uuidBytes(uuidOf(i)) as Buffer;

/**
 * What storage holds after appending `size` leaves in batches (each batch a new GrowingTree from the stored row, as
 * the producer does): complete tiles, subtrees of level ≥ 8, the tree row's frontier and unfinished tile.
 */
function store(size: number, batches: number[]) {
  const tiles = new Map<number, Buffer>();
  const blooms = new Map<number, Buffer>();
  const nodes = new Map<string, Hash>();
  let row: { size: number; frontier: Hash[]; tail: Buffer } = { size: 0, frontier: [], tail: Buffer.alloc(0) };
  let next = 0;
  for (const batch of [...batches, size]) {
    const tree = new GrowingTree(row.size, row.frontier, row.tail);
    const end = Math.min(size, next + batch);
    for (; next < end; next++) tree.append(leaf(next), positionOf(next), uuidOf(next));
    for (const t of tree.tiles) {
      tiles.set(t.tile, t.leaves);
      blooms.set(t.tile, t.bloom);
    }
    for (const n of tree.nodes) nodes.set(`${n.level}:${n.index}`, n.hash);
    row = { size: tree.size, frontier: [...tree.frontier], tail: tree.tailLeaves };
    if (next === size) break;
  }
  // The reader's view: complete tiles from their rows, the unfinished one from the tree's row.
  tiles.set(Math.floor(size / TILE_WIDTH), row.tail);
  return { tiles, blooms, nodes, row };
}

/** A proof computed the way the reader computes it: only what storageNeeded asked for is handed over. */
function fromStorage(s: ReturnType<typeof store>, compute: Parameters<typeof nodesNeeded>[0]): string[] {
  const wanted = storageNeeded(nodesNeeded(compute));
  const nodes = new Map(wanted.nodes.map(([l, i]) => [`${l}:${i}`, s.nodes.get(`${l}:${i}`) as Hash]));
  const tiles = new Map(wanted.tiles.map((t) => [t, s.tiles.get(t) as Buffer]));
  const source = tiledNodeSource(nodes, tiles, (what) => new Error(`missing ${what}`));
  return (compute(source) as Hash[]).map(toHex);
}

// Sizes around the tile boundaries (255, 256, 257, 511 …) and in between; batches of any size.
const sizes = fc.oneof(
  fc.integer({ min: 1, max: 4 * TILE_WIDTH + 3 }),
  fc.constantFrom(1, 2, 255, 256, 257, 511, 512, 513, 767, 768, 769, 1023, 1024, 1025),
);
const batches = fc.array(fc.integer({ min: 1, max: 700 }), { maxLength: 6 });

describe('tiled storage of a tree', () => {
  const all = Array.from({ length: 4 * TILE_WIDTH + 3 }, (_, i) => leaf(i));

  it('keeps each leaf hash and position, whole tiles apart and the unfinished one in the row', () => {
    fc.assert(
      fc.property(sizes, batches, (size, cuts) => {
        const s = store(size, cuts);
        expect(s.row.size).toBe(size);
        expect(leafCount(s.row.tail)).toBe(size % TILE_WIDTH);
        expect(s.row.tail.length).toBe((size % TILE_WIDTH) * LEAF_BYTES);
        const wrong = Array.from({ length: size }, (_, i) => i).filter((i) => {
          const tile = s.tiles.get(Math.floor(i / TILE_WIDTH)) as Buffer;
          const slot = i % TILE_WIDTH;
          return (
            !tile.subarray(slot * LEAF_BYTES, slot * LEAF_BYTES + 32).equals(all[i]) ||
            positionAt(tile, slot) !== positionOf(i)
          );
        });
        expect(wrong).toEqual([]);
        // Only subtrees of 256 leaves and more are stored: one per 128 leaves at most.
        for (const key of s.nodes.keys()) expect(Number(key.split(':')[0])).toBeGreaterThanOrEqual(TILE_HEIGHT);
        expect(s.nodes.size).toBeLessThanOrEqual(Math.floor(size / 128));
      }),
    );
  });

  it('gives the inclusion proofs and roots of the whole tree held in memory, at every size', () => {
    fc.assert(
      fc.property(sizes, batches, fc.nat(), fc.nat(), (size, cuts, a, b) => {
        const s = store(size, cuts);
        const memory = memoryNodes(all.slice(0, size));
        const treeSize = 1 + (a % size);
        const index = b % treeSize;
        expect(fromStorage(s, (n) => inclusionProof(n, index, treeSize))).toEqual(
          inclusionProof(memory, index, treeSize).map(toHex),
        );
        expect(fromStorage(s, (n) => [rootHash(n, treeSize)])).toEqual([toHex(rootHash(memory, treeSize))]);
      }),
    );
  });

  it('gives the consistency proofs of the whole tree held in memory, between any two sizes', () => {
    fc.assert(
      fc.property(sizes, batches, fc.nat(), fc.nat(), (size, cuts, a, b) => {
        const s = store(size, cuts);
        const memory = memoryNodes(all.slice(0, size));
        const second = 1 + (a % size);
        const first = 1 + (b % second);
        expect(fromStorage(s, (n) => consistencyProof(n, first, second))).toEqual(
          consistencyProof(memory, first, second).map(toHex),
        );
      }),
    );
  });

  it('asks for stored subtrees only from level 8, and for at most a few tiles per proof', () => {
    fc.assert(
      fc.property(sizes, fc.nat(), fc.nat(), (size, a, b) => {
        const second = 1 + (a % size);
        const first = 1 + (b % second);
        const wanted = storageNeeded(nodesNeeded((n) => consistencyProof(n, first, second)));
        expect(wanted.nodes.every(([level]) => level >= TILE_HEIGHT)).toBe(true);
        expect(wanted.tiles.length).toBeLessThanOrEqual(3);
      }),
    );
  });

  it('finds every leaf by its event id: in its tile, whose filter has the id, across batches too', () => {
    fc.assert(
      fc.property(sizes, batches, (size, cuts) => {
        const s = store(size, cuts);
        const has = (bloom: Buffer, id: Buffer) => bloomBits(id).every((n) => (bloom[n >> 3] >> (n & 7)) & 1);
        const lost = Array.from({ length: size }, (_, i) => i).filter((i) => {
          const tile = Math.floor(i / TILE_WIDTH);
          const bloom = s.blooms.get(tile);
          const inFilter = bloom === undefined ? tile === Math.floor(size / TILE_WIDTH) : has(bloom, idOf(i));
          return !inFilter || slotOf(s.tiles.get(tile) as Buffer, idOf(i)) !== i % TILE_WIDTH;
        });
        expect(lost).toEqual([]);
        expect(slotOf(s.tiles.get(0) as Buffer, idOf(size + 1))).toBe(-1);
      }),
      { numRuns: 30 },
    );
  });

  it('lets few other ids through a full tile’s filter', () => {
    const s = store(TILE_WIDTH, []);
    const bloom = s.blooms.get(0) as Buffer;
    const strangers = Array.from({ length: 20_000 }, (_, i) => idOf(1_000_000 + i));
    const through = strangers.filter((id) => bloomBits(id).every((n) => (bloom[n >> 3] >> (n & 7)) & 1));
    expect(through.length / strangers.length).toBeLessThan(0.005);
  });

  it('takes event ids as the 16 bytes of their UUID, and nothing else', () => {
    expect(uuidBytes('0B66655D-d3a7-372f-a967-3651dad18d83')?.toString('hex')).toBe('0b66655dd3a7372fa9673651dad18d83');
    expect(uuidBytes('0b66655d-d3a7-372f-a967-3651dad18d8')).toBeUndefined();
    expect(uuidBytes('x')).toBeUndefined();
    expect(() => new GrowingTree().append(all[0], 1, 'not-a-uuid')).toThrow(/must be a UUID/);
  });

  it('refuses a stored tree whose unfinished tile does not match its size', () => {
    expect(() => new GrowingTree(3, [all[0], all[1]], Buffer.alloc(LEAF_BYTES))).toThrow(/3 leaves in its last tile/);
  });
});

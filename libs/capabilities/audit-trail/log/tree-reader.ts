import type { Pool, PoolClient } from 'pg';
import { Hash, NodeSource, nodesNeeded } from '../verification/merkle';
import { frontierOf } from './audit-log.store';
import {
  bloomBits,
  leafCount,
  positionAt,
  slotOf,
  storageNeeded,
  TILE_WIDTH,
  tiledNodeSource,
  uuidBytes,
} from './tiles';

type Queryable = Pick<Pool | PoolClient, 'query'>;

/** A tree as its row stores it, read once: every later read is consistent with it (leaves never change). */
export interface StoredTree {
  id: number;
  tenant: string;
  size: number;
  frontier: Hash[];
  /** The unfinished tile's leaves (size % 256 of them). */
  tail: Buffer;
}

/** Reads of the stored trees: proofs, leaf positions, which leaf an event is. */
export class AuditTreeReader {
  constructor(private readonly db: Queryable) {}

  async tree(tenant: string): Promise<StoredTree | undefined> {
    const { rows } = await this.db.query<{ tree_id: number; tree_size: string; frontier: Buffer; tail: Buffer }>(
      'SELECT tree_id, tree_size, frontier, tail FROM audit_trees WHERE tenant_id = $1',
      [tenant],
    );
    const r = rows[0];
    if (!r) return undefined;
    return { id: r.tree_id, tenant, size: Number(r.tree_size), frontier: frontierOf(r.frontier), tail: r.tail };
  }

  /** The leaves of these tiles: complete ones from their rows, the unfinished one from the tree's row. */
  async tiles(tree: StoredTree, numbers: number[]): Promise<Map<number, Buffer>> {
    const last = Math.floor(tree.size / TILE_WIDTH);
    const tiles = new Map<number, Buffer>();
    if (numbers.includes(last)) tiles.set(last, tree.tail);
    const stored = numbers.filter((n) => n < last);
    if (stored.length > 0) {
      const { rows } = await this.db.query<{ tile: string; leaves: Buffer }>(
        'SELECT tile, leaves FROM audit_tiles WHERE tree_id = $1 AND tile = ANY($2::bigint[])',
        [tree.id, stored],
      );
      for (const r of rows) tiles.set(Number(r.tile), r.leaves);
    }
    return tiles;
  }

  /** Computes a proof (or root) of a tree of at most `tree.size` leaves: what it reads is fetched first. */
  async prove(tree: StoredTree, compute: (node: NodeSource) => Hash[]): Promise<Hash[]> {
    const { nodes: wanted, tiles: tileNumbers } = storageNeeded(nodesNeeded(compute));
    const [nodes, tiles] = await Promise.all([this.subtrees(tree, wanted), this.tiles(tree, tileNumbers)]);
    return compute(
      tiledNodeSource(nodes, tiles, (what) => new Error(`audit log ${what} of ${tree.tenant} is missing`)),
    );
  }

  /** Global positions of leaves [from, to) (to ≤ size), in leaf order. */
  async positions(tree: StoredTree, from: number, to: number): Promise<number[]> {
    if (to <= from) return [];
    const first = Math.floor(from / TILE_WIDTH);
    const last = Math.floor((to - 1) / TILE_WIDTH);
    const tiles = await this.tiles(
      tree,
      Array.from({ length: last - first + 1 }, (_, i) => first + i),
    );
    const positions: number[] = [];
    for (let t = first; t <= last; t++) {
      const leaves = tiles.get(t);
      if (!leaves) throw new Error(`audit log tile ${t} of ${tree.tenant} is missing`);
      const start = t === first ? from % TILE_WIDTH : 0;
      const end = Math.min(leafCount(leaves), t === last ? ((to - 1) % TILE_WIDTH) + 1 : TILE_WIDTH);
      for (let i = start; i < end; i++) positions.push(positionAt(leaves, i));
    }
    return positions;
  }

  /**
   * The leaf an event is in this tree, if it is one: the unfinished tile is searched, then the tiles whose filter
   * has the id's bits (one pass over the tree's filters, 512 bytes per 256 leaves), then those tiles' ids.
   */
  async leafOf(tree: StoredTree, eventId: string): Promise<number | undefined> {
    const id = uuidBytes(eventId);
    if (!id) return undefined;
    const last = Math.floor(tree.size / TILE_WIDTH);
    const inTail = slotOf(tree.tail, id);
    if (inTail >= 0) return last * TILE_WIDTH + inTail;
    const bits = bloomBits(id);
    const { rows } = await this.db.query<{ tile: string; leaves: Buffer }>(
      `SELECT tile, leaves FROM audit_tiles WHERE tree_id = $1 AND tile < $2
          AND ${bits.map((_, i) => `get_bit(bloom, $${i + 3}) = 1`).join(' AND ')} ORDER BY tile`,
      [tree.id, last, ...bits],
    );
    for (const r of rows) {
      const slot = slotOf(r.leaves, id);
      if (slot >= 0) return Number(r.tile) * TILE_WIDTH + slot;
    }
    return undefined;
  }

  private async subtrees(tree: StoredTree, wanted: Array<[number, number]>): Promise<Map<string, Hash>> {
    if (wanted.length === 0) return new Map();
    const { rows } = await this.db.query<{ level: number; idx: string; hash: Buffer }>(
      `SELECT s.level, s.idx, s.hash FROM audit_subtrees s
         JOIN unnest($2::smallint[], $3::bigint[]) AS want(level, idx) ON s.level = want.level AND s.idx = want.idx
        WHERE s.tree_id = $1`,
      [tree.id, wanted.map(([l]) => l), wanted.map(([, i]) => i)],
    );
    return new Map(rows.map((r) => [`${r.level}:${r.idx}`, r.hash]));
  }
}

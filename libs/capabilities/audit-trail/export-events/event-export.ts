import type { Pool } from 'pg';
import type { EventStore } from '@csp/event-store';
import { AuditTreeReader } from '../log/tree-reader';
import { TILE_WIDTH } from '../log/tiles';
import { auditEventOf, canonicalEventLine } from '../verification/canonical-event';

/** Events per read of the store: one tile's worth, so that a batch is done with before it could be promoted. */
const READ_BATCH = TILE_WIDTH;
/** Characters per chunk handed to the response: well below V8's large-object size, so chunks die young. */
const CHUNK_CHARS = 32 * 1024;

/**
 * The tenant's events in tree order, one canonical line each (the exact bytes of its leaf), read from the event
 * store itself, so that what an operator changed there shows. A tile of leaves (256) at a time: their global
 * positions from the tile, their events by a bounded scan of the global order. Memory stays constant however long
 * the export: the consumer's pace drives the reads (an async generator is pulled, never pushed), what is read is
 * dropped a tile at a time, and no chunk is large.
 */
export async function* exportLines(
  pool: Pool,
  store: EventStore,
  tenant: string,
  range: { from: number; to: number },
): AsyncGenerator<string> {
  const reader = new AuditTreeReader(pool);
  const tree = await reader.tree(tenant);
  if (!tree) return;
  const to = Math.min(range.to, tree.size);
  for (let next = range.from; next < to; next = (Math.floor(next / TILE_WIDTH) + 1) * TILE_WIDTH) {
    const positions = await reader.positions(
      tree,
      next,
      Math.min(to, (Math.floor(next / TILE_WIDTH) + 1) * TILE_WIDTH),
    );
    const wanted = new Set(positions);
    const last = positions[positions.length - 1];
    let after = positions[0] - 1;
    while (after < last) {
      const batch = await store.readAll({ after, maxCount: READ_BATCH });
      let chunk = '';
      for (const event of batch.events) {
        if (event.globalPosition > last) break;
        // A leaf whose event is gone yields no line: the verifier names the hole.
        if (!wanted.has(event.globalPosition)) continue;
        chunk += `${canonicalEventLine(auditEventOf(event))}\n`;
        if (chunk.length >= CHUNK_CHARS) {
          yield chunk;
          chunk = '';
        }
      }
      if (chunk) yield chunk;
      if (batch.events.length === 0 || batch.isEnd) break;
      after = batch.lastPosition;
    }
  }
}

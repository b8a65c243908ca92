import type { Pool } from 'pg';
import type { EventStore } from '@csp/event-store';
import { AuditTreeReader } from '../log/tree-reader';
import { TILE_WIDTH } from '../log/tiles';
import { auditEventOf, canonicalEventLine } from '../verification/canonical-event';

/** Events per read of the store. */
const READ_BATCH = 128;
/** Characters per chunk handed to the response: well below V8's large-object size, so that chunks die young. */
const CHUNK_CHARS = 32 * 1024;

/**
 * The tenant's events in tree order, one canonical line each (the exact bytes of its leaf), read from the event
 * store itself, so that what an operator changed there shows. One scan of the global order from the first leaf's
 * event to the last one's, in small batches (each continuing the previous, so that the store's read-ahead is the
 * next read), keeping the events whose positions the tiles list, a tile of positions at a time. Memory stays
 * constant however long the export: the consumer's pace drives the reads (an async generator is pulled, never
 * pushed), and what is read is dropped batch by batch.
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
  /** The positions of leaves [next, next + tile's rest), the index of the one wanted now. */
  let next = range.from;
  let wanted: number[] = [];
  let at = 0;
  const moreWanted = async (): Promise<boolean> => {
    if (next >= to) return false;
    const end = Math.min(to, (Math.floor(next / TILE_WIDTH) + 1) * TILE_WIDTH);
    wanted = await reader.positions(tree, next, end);
    at = 0;
    next = end;
    return wanted.length > 0;
  };
  if (!(await moreWanted())) return;
  let after = wanted[0] - 1;
  let chunk = '';
  for (;;) {
    const batch = await store.readAll({ after, maxCount: READ_BATCH });
    for (const event of batch.events) {
      // A leaf whose event is gone yields no line: the verifier names the hole.
      while (wanted[at] < event.globalPosition) if (++at === wanted.length && !(await moreWanted())) break;
      if (at === wanted.length) break;
      if (wanted[at] !== event.globalPosition) continue;
      chunk += `${canonicalEventLine(auditEventOf(event))}\n`;
      if (chunk.length >= CHUNK_CHARS) {
        yield chunk;
        chunk = '';
      }
      if (++at === wanted.length && !(await moreWanted())) break;
    }
    if (at === wanted.length || batch.events.length === 0 || batch.isEnd) break;
    after = batch.lastPosition;
  }
  if (chunk) yield chunk;
}

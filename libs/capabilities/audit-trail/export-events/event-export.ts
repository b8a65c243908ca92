import type { Pool } from 'pg';
import type { EventStore } from '@csp/event-store';
import { auditEventOf, canonicalEventLine } from '../verification/canonical-event';

const BATCH = 1000;

/**
 * The tenant's events in tree order, one canonical line each (the exact bytes of its leaf), read from the event
 * store itself, so that what an operator changed there shows. Leaves [from, to) are read a batch at a time and
 * their events fetched by a bounded scan of the global order: memory stays constant however long the export,
 * and the consumer's pace drives the reads (an async generator is pulled, never pushed).
 */
export async function* exportLines(
  pool: Pool,
  store: EventStore,
  tenant: string,
  range: { from: number; to: number },
): AsyncGenerator<string> {
  let next = range.from;
  while (next < range.to) {
    const { rows } = await pool.query<{ leaf_index: string; global_position: string }>(
      `SELECT leaf_index, global_position FROM audit_leaves
        WHERE tenant_id = $1 AND leaf_index >= $2 AND leaf_index < $3 ORDER BY leaf_index LIMIT $4`,
      [tenant, next, range.to, BATCH],
    );
    if (rows.length === 0) return;
    const wanted = new Set(rows.map((r) => Number(r.global_position)));
    const first = Math.min(...wanted);
    const last = Math.max(...wanted);
    let after = first - 1;
    while (after < last) {
      const batch = await store.readAll({ after, maxCount: BATCH });
      let chunk = '';
      for (const event of batch.events) {
        if (event.globalPosition > last) break;
        // A leaf whose event is gone yields no line: the verifier names the hole.
        if (wanted.has(event.globalPosition)) chunk += `${canonicalEventLine(auditEventOf(event))}\n`;
      }
      if (chunk) yield chunk;
      if (batch.events.length === 0 || batch.isEnd) break;
      after = batch.lastPosition;
    }
    next = Number(rows[rows.length - 1].leaf_index) + 1;
  }
}

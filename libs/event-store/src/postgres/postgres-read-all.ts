// One read of $all on PostgreSQL, cut at the safe horizon: nothing at or above the bound a still-running
// transaction may yet commit below is handed out (it is reported as held back).
import type { ReadAllOptions, ReadAllResult, RecordedEvent } from '../event-store.port';
import type { StoreStatements } from './postgres-event-store.statements';
import { recordedFromArray, type ReadAllRow } from './postgres-rows';
import type { PostgresSession } from './postgres-session';

/** LIKE pattern for a stream-id prefix. */
const likePrefix = (prefix: string): string => `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

function isAscending(events: RecordedEvent[]): boolean {
  for (let i = 1; i < events.length; i++) if (events[i - 1].globalPosition >= events[i].globalPosition) return false;
  return true;
}

export async function readAllBelowHorizon(
  session: PostgresSession,
  sql: StoreStatements,
  options: ReadAllOptions,
): Promise<ReadAllResult> {
  const after = options.after ?? 0;
  const maxCount = Math.max(1, options.maxCount ?? 1000);
  const types = options.types && options.types.length > 0 ? options.types : null;
  const prefixes =
    options.streamPrefixes && options.streamPrefixes.length > 0 ? options.streamPrefixes.map(likePrefix) : null;
  const result = await session.runArrays<ReadAllRow>('read_all', sql.readAll, [after, maxCount, types, prefixes]);
  const bound = Number(result.rows[0]?.[1] ?? 0);
  const events: RecordedEvent[] = [];
  let heldBack = false;
  for (const row of result.rows) {
    if (row[2] === null) continue;
    const event = recordedFromArray(row);
    if (event.globalPosition < bound) events.push(event);
    else heldBack = true;
  }
  // The rows come in index order; should a plan ever change that, order them here (O(n) when already in order).
  if (!isAscending(events)) events.sort((a, b) => a.globalPosition - b.globalPosition);
  const lastPosition = events.length > 0 ? events[events.length - 1].globalPosition : after;
  // Cut by the bound: this is the end of what is safe to read now.
  const isEnd = heldBack || events.length < maxCount;
  const head = Number(result.rows[0]?.[0] ?? 0);
  return {
    events,
    lastPosition,
    isEnd,
    scannedPosition: isEnd ? Math.max(lastPosition, head) : lastPosition,
    heldBack,
  };
}

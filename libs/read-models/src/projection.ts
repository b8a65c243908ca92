import type { RecordedEvent } from '@csp/event-store';
import type { PoolClient } from 'pg';

/**
 * A projection turns events into rows. The runner calls `apply` inside the transaction that also
 * advances the projection's checkpoint, so `apply` must not commit, and must be idempotent
 * (a batch can be redelivered after a crash between the rows and the checkpoint only if the
 * checkpoint guard is bypassed, e.g. by a manual replay).
 *
 * Table names are unqualified: a replay can build fresh tables by setting `search_path`.
 */
export interface Projection {
  /** Stable name: checkpoint key, advisory-lock key, NOTIFY payload. */
  readonly name: string;
  /** Bumped when the rows' shape or meaning changes (a rebuild is then due). */
  readonly version: number;
  /** Event types `apply` wants; other events only advance the checkpoint. */
  readonly eventTypes: readonly string[];
  /** Creates tables and indexes; idempotent. */
  migrate(client: PoolClient): Promise<void>;
  /** Writes the rows for `events` (only of `eventTypes`, in global order, non-empty). */
  apply(client: PoolClient, events: RecordedEvent[]): Promise<void>;
}

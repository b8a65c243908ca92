import type { RecordedEvent } from '@csp/event-store';
import type { PoolClient } from 'pg';

export interface MigrateOptions {
  /**
   * False leaves out the indexes a load from scratch does without: those only queries use, and unique keys that
   * only make a redelivered event change nothing (a shadow build applies each event once). The build loads its
   * tables without them and migrates again with them at the end, which costs a fraction of keeping them up to
   * date row by row. Default true.
   */
  queryIndexes?: boolean;
}

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
  /** Creates tables and indexes (see MigrateOptions); idempotent, so a second call adds what the first left out. */
  migrate(client: PoolClient, options?: MigrateOptions): Promise<void>;
  /**
   * Writes the rows for `events` (only of `eventTypes`, in global order, non-empty). A batch of any size must
   * give the rows that applying its events one by one gives: the runner applies small batches, a replay large ones.
   */
  apply(client: PoolClient, events: RecordedEvent[]): Promise<void>;
}

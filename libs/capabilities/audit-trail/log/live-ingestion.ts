import type { Pool } from 'pg';
import type { EventStore, RecordedEvent, Subscription } from '@csp/event-store';
import { TenantAttribution } from './attribution';
import { INGEST_BATCH, readCheckpoint, underWriterLock } from './audit-log.store';
import { appendLeaves, NewLeaf, newLeafOf } from './ingest';

/**
 * The batch size of the worker's other followers (the projection runners'): followers woken together that ask for
 * the same batch share one read of the store (postgres-shared-reads), so following with theirs, the producer gets
 * each event without reading or parsing it again. Another size would only cost that read, never correctness.
 */
export const FOLLOW_BATCH = 500;
const RESTART_AFTER_MS = 1000;

/**
 * The trees kept up with the store as the worker runs: a subscription to the global order hands each event over as
 * it is written (hashed on arrival: canonical form, leaf hash), and `flush` appends what is pending in one
 * transaction (at each round, and whenever INGEST_BATCH events wait). The checkpoint stays the truth: a flush
 * skips what another producer appended meanwhile, and a checkpoint that went back (a rebuilt log) restarts the
 * subscription from it.
 */
export class LiveIngestion {
  private subscription?: Subscription;
  private generation = 0;
  private pending: NewLeaf[] = [];
  /** The trees held every event up to here when last seen; `pending` continues right after. */
  private base = -1;
  private flushing: Promise<unknown> = Promise.resolve();
  private restartTimer?: NodeJS.Timeout;
  private stopped = false;
  private received = -1;

  constructor(
    private readonly pool: Pool,
    private readonly store: EventStore,
    private readonly attribution: TenantAttribution,
    private readonly warn: (message: string) => void,
  ) {}

  async start(): Promise<void> {
    this.follow(await readCheckpoint(this.pool));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.generation += 1;
    clearTimeout(this.restartTimer);
    await this.subscription?.stop();
    await this.flushing.catch(() => undefined);
  }

  /** The position of the last event the subscription handed over. */
  get followedThrough(): number {
    return this.received;
  }

  /** Appends what is pending (one transaction, serialised with other flushes); returns how many events it took. */
  flush(): Promise<number> {
    const run = this.flushing.catch(() => undefined).then(() => this.flushNow());
    this.flushing = run;
    return run;
  }

  private follow(after: number): void {
    const generation = ++this.generation;
    this.base = after;
    this.pending = [];
    this.subscription = this.store.subscribe({
      after: after < 0 ? undefined : after,
      batchSize: FOLLOW_BATCH,
      handler: (events) => this.receive(generation, events),
      onError: (error) => this.failed(generation, error),
    });
  }

  private async receive(generation: number, events: RecordedEvent[]): Promise<void> {
    if (generation !== this.generation) return;
    for (const e of events) this.pending.push(newLeafOf(e));
    this.received = events[events.length - 1].globalPosition;
    // Bounded: past a batch, the subscription waits for the flush.
    if (this.pending.length >= INGEST_BATCH) await this.flush();
  }

  private async flushNow(): Promise<number> {
    const generation = this.generation;
    const taken = this.pending;
    if (taken.length === 0 || this.stopped) return 0;
    this.pending = [];
    let appended = 0;
    let remember = (): void => undefined;
    let base = this.base;
    let wentBack: number | undefined;
    try {
      await underWriterLock(this.pool, async (client, checkpoint) => {
        if (checkpoint < this.base) {
          wentBack = checkpoint;
          return;
        }
        // What another producer (or a catch-up) appended meanwhile is skipped: the rest continues its checkpoint.
        const fresh = taken.filter((leaf) => leaf.position > checkpoint);
        base = Math.max(base, checkpoint);
        if (fresh.length === 0) return;
        base = fresh[fresh.length - 1].position;
        remember = await appendLeaves(client, this.store, fresh, this.attribution, base);
        appended = fresh.length;
      });
    } catch (error) {
      // Nothing was written: what was taken waits again, before what arrived meanwhile.
      if (generation === this.generation) this.pending = [...taken, ...this.pending];
      throw error;
    }
    remember();
    if (wentBack !== undefined) this.restart(generation, wentBack, 0);
    else if (generation === this.generation) this.base = base;
    return appended;
  }

  private failed(generation: number, error: unknown): void {
    this.warn(`audit log: following the store failed, again from the checkpoint soon (${describe(error)})`);
    this.restart(generation, undefined, RESTART_AFTER_MS);
  }

  /** Follows again from `after` (the checkpoint when undefined), once; never from inside the handler. */
  private restart(generation: number, after: number | undefined, delayMs: number): void {
    if (generation !== this.generation || this.stopped) return;
    this.generation += 1;
    const old = this.subscription;
    clearTimeout(this.restartTimer);
    this.restartTimer = setTimeout(() => {
      void (async () => {
        await old?.stop();
        if (this.stopped) return;
        this.follow(after ?? (await readCheckpoint(this.pool)));
      })().catch((error: unknown) => this.failed(this.generation, error));
    }, delayMs);
    this.restartTimer.unref();
  }
}

const describe = (error: unknown): string => (error instanceof Error ? error.message : String(error));

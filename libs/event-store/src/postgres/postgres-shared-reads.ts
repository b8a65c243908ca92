// Reads of $all shared between callers that ask for the same batch at about the same time, and the batch after
// a full one read ahead, so that PostgreSQL and this process work at the same time.
import type { ReadAllOptions, ReadAllResult } from '../event-store.port';

/** A shared read older than this is not reused (it may say "end" while more has been written since). */
const SHARED_READ_MAX_AGE_MS = 250;
/** Bounds the memory held by shared reads (each up to one batch). */
const MAX_SHARED_READS = 16;

const readAllKey = (o: ReadAllOptions): string =>
  JSON.stringify([o.after ?? 0, o.maxCount ?? 1000, o.types ?? null, o.streamPrefixes ?? null]);

export class SharedReads {
  /** Reads in flight or just done, by their options, shared until the next wake-up. */
  private readonly reads = new Map<
    string,
    { epoch: number; at: number; ahead: boolean; result: Promise<ReadAllResult> }
  >();

  constructor(
    private readonly settings: {
      /** A fresh read. */
      read: (options: ReadAllOptions) => Promise<ReadAllResult>;
      /** Changes at every wake-up (local append, NOTIFY, reconnect): what was read before is stale. */
      epoch: () => number;
      closed: () => boolean;
    },
  ) {}

  /**
   * `ahead`: only a read-ahead is reused (a plain reader's own reads are always fresh); `any`: a read that
   * started after the latest wake-up is shared (followers woken together).
   */
  async read(options: ReadAllOptions, reuse: 'ahead' | 'any'): Promise<ReadAllResult> {
    const key = readAllKey(options);
    const epoch = this.settings.epoch();
    const now = Date.now();
    for (const [k, read] of this.reads)
      if (read.epoch !== epoch || now - read.at > SHARED_READ_MAX_AGE_MS) this.reads.delete(k);
    const shared = this.reads.get(key);
    const taken = shared && (reuse === 'any' || shared.ahead) ? shared : undefined;
    // A plain reader is the only one to ask for the batch after its own: once it takes its read-ahead, nobody else
    // will, and holding it longer would only keep a batch alive past the young generation (an export of a million
    // events grew the api's RSS by 150 MB that way).
    if (taken && reuse === 'ahead') this.reads.delete(key);
    // No await unless there is something to wait for: a second identical call right after must find this one's read.
    let result = taken ? await taken.result.catch(() => undefined) : undefined;
    result ??= await this.startRead(key, options, false, reuse === 'any');
    if (!result.isEnd && !this.settings.closed()) {
      const next = { ...options, after: result.lastPosition };
      const nextKey = readAllKey(next);
      if (!this.reads.has(nextKey)) void this.startRead(nextKey, next, true, true).catch(() => undefined);
    }
    return result;
  }

  /** `shared`: kept for others to find (a plain reader's own read is not: nobody else takes it). */
  private startRead(key: string, options: ReadAllOptions, ahead: boolean, shared: boolean): Promise<ReadAllResult> {
    const result = this.settings.read(options);
    if (!shared) return result;
    if (this.reads.size >= MAX_SHARED_READS) this.reads.delete(this.reads.keys().next().value!);
    this.reads.set(key, { epoch: this.settings.epoch(), at: Date.now(), ahead, result });
    // A failed read is not shared: the next caller tries again.
    result.catch(() => this.reads.get(key)?.result === result && this.reads.delete(key));
    return result;
  }
}

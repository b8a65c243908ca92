import type { ReadAllOptions, ReadAllResult, SubscribeOptions, Subscription } from '../event-store.port';
import { describeError, type EventStoreLogger } from '../event-store.logger';

export interface CatchUpSource {
  /** Reads the next batch after a position (gap-safe: only what is final). */
  readAll(options: ReadAllOptions): Promise<ReadAllResult>;
  /** Registers a wake-up callback (new events may be there); returns the unregister function. */
  onWake(listener: () => void): () => void;
}

export interface CatchUpSettings {
  /** Fallback poll, so that a missed notification never stalls a follower. */
  pollIntervalMs: number;
  logger: EventStoreLogger;
}

/** First re-read after a batch that found events held back (then doubling, up to the poll interval). */
const HELD_BACK_RETRY_MS = 5;

/**
 * Catch-up then live: reads batches after the checkpoint until the end, hands each batch to the
 * handler (one at a time, in global order), then sleeps until woken or the poll interval passes.
 * Transient read errors are retried with backoff; a handler rejection ends the subscription.
 */
export class CatchUpSubscription implements Subscription {
  readonly caughtUp: Promise<void>;
  private resolveCaughtUp!: () => void;
  private rejectCaughtUp!: (error: unknown) => void;
  private position: number;
  private stopped = false;
  private woken = false;
  private wakeWaiter?: () => void;
  private readonly unregister: () => void;
  private readonly loop: Promise<void>;

  constructor(
    private readonly source: CatchUpSource,
    private readonly options: SubscribeOptions,
    private readonly settings: CatchUpSettings,
  ) {
    this.position = options.after ?? 0;
    this.caughtUp = new Promise<void>((resolve, reject) => {
      this.resolveCaughtUp = resolve;
      this.rejectCaughtUp = reject;
    });
    // Nobody has to await caughtUp: keep a failed one from becoming an unhandled rejection.
    this.caughtUp.catch(() => undefined);
    this.unregister = source.onWake(() => this.wake());
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake();
    await this.loop;
  }

  private wake(): void {
    this.woken = true;
    const waiter = this.wakeWaiter;
    this.wakeWaiter = undefined;
    waiter?.();
  }

  private async run(): Promise<void> {
    let caughtUp = false;
    let failures = 0;
    let heldBack = 0;
    try {
      while (!this.stopped) {
        this.woken = false;
        let batch: ReadAllResult;
        try {
          batch = await this.source.readAll({
            after: this.position,
            maxCount: this.options.batchSize ?? 500,
            types: this.options.types,
            streamPrefixes: this.options.streamPrefixes,
          });
          failures = 0;
        } catch (error) {
          failures += 1;
          this.settings.logger.warn(`event subscription: read failed, retrying (${describeError(error)})`);
          await this.sleep(Math.min(100 * 2 ** Math.min(failures, 5), 3000));
          continue;
        }
        if (this.stopped) break;
        if (batch.events.length > 0) {
          await this.options.handler(batch.events);
        }
        // A filtered read may have scanned past its last match; resume after what was scanned.
        this.position = Math.max(this.position, batch.scannedPosition ?? batch.lastPosition);
        if (batch.isEnd) {
          if (!caughtUp) {
            caughtUp = true;
            this.options.onCaughtUp?.(this.position);
            this.resolveCaughtUp();
          }
          // Events held back behind an open transaction appear when it ends, unannounced: look again soon,
          // backing off while it stays open (a long transaction must not turn followers into a busy loop).
          heldBack = batch.heldBack ? heldBack + 1 : 0;
          await this.sleep(
            heldBack > 0
              ? Math.min(HELD_BACK_RETRY_MS * 2 ** (heldBack - 1), this.settings.pollIntervalMs)
              : this.settings.pollIntervalMs,
          );
        }
      }
    } catch (error) {
      this.stopped = true;
      this.rejectCaughtUp(error);
      if (this.options.onError) this.options.onError(error);
      else this.settings.logger.error(`event subscription stopped: ${describeError(error)}`);
    } finally {
      this.unregister();
      // A stopped subscription will never catch up; do not leave awaiting callers hanging.
      this.resolveCaughtUp();
    }
  }

  /** Sleeps until woken (a notification, or stop) or the timeout passes. */
  private sleep(ms: number): Promise<void> {
    if (this.woken || this.stopped) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.wakeWaiter = undefined;
        resolve();
      }, ms);
      this.wakeWaiter = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}

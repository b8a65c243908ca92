// The catch-up subscription of the KurrentDB adapter: $all, filtered to our stream prefixes, resubscribing
// from the last handled position after a transport error.
import {
  START,
  KurrentDBClient,
  type AllStreamResolvedEvent,
  type AllStreamSubscription,
  type Filter,
  type ReadPosition,
} from '@kurrent/kurrentdb-client';
import type { RecordedEvent, SubscribeOptions, Subscription } from '../event-store.port';
import { describeError, type EventStoreLogger } from '../event-store.logger';

/** Our global position is KurrentDB's commit position. */
export const fromCommit = (position: number): ReadPosition =>
  position > 0 ? { commit: BigInt(position), prepare: BigInt(position) } : START;

/**
 * A catch-up subscription to $all, filtered server-side to our stream prefixes. Events are handed
 * over one at a time (the gRPC stream applies backpressure while the handler runs); on a
 * transport error it resubscribes from the last handled position.
 */
export class KurrentCatchUpSubscription implements Subscription {
  readonly caughtUp: Promise<void>;
  private resolveCaughtUp!: () => void;
  private rejectCaughtUp!: (error: unknown) => void;
  private position: number;
  private stopped = false;
  private current?: AllStreamSubscription;
  private retryWake?: () => void;
  private readonly loop: Promise<void>;

  constructor(
    private readonly client: KurrentDBClient,
    private readonly options: SubscribeOptions,
    private readonly settings: {
      prefixes: string[];
      /** The server-side filter to those prefixes. */
      filter: Filter;
      accept: (
        resolved: AllStreamResolvedEvent,
        after: number,
        prefixes: string[],
        types?: Set<string>,
      ) => RecordedEvent | undefined;
      logger: EventStoreLogger;
    },
  ) {
    this.position = options.after ?? 0;
    this.caughtUp = new Promise<void>((resolve, reject) => {
      this.resolveCaughtUp = resolve;
      this.rejectCaughtUp = reject;
    });
    this.caughtUp.catch(() => undefined);
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.retryWake?.();
    await this.current?.unsubscribe().catch(() => undefined);
    await this.loop;
  }

  private async run(): Promise<void> {
    const types = this.options.types && this.options.types.length > 0 ? new Set(this.options.types) : undefined;
    let failures = 0;
    try {
      while (!this.stopped) {
        const subscription = this.client.subscribeToAll({
          fromPosition: fromCommit(this.position),
          filter: this.settings.filter,
        });
        this.current = subscription;
        subscription.on('caughtUp', () => {
          this.options.onCaughtUp?.(this.position);
          this.resolveCaughtUp();
        });
        try {
          for await (const resolved of subscription) {
            if (this.stopped) break;
            failures = 0;
            const recorded = this.settings.accept(resolved, this.position, this.settings.prefixes, types);
            if (recorded) {
              await this.options.handler([recorded]).catch((error: unknown) => {
                throw new HandlerError(error);
              });
              this.position = recorded.globalPosition;
            } else if (resolved.event && Number(resolved.event.position.commit) > this.position) {
              this.position = Number(resolved.event.position.commit);
            }
          }
        } catch (error) {
          if (error instanceof HandlerError) throw error.cause;
          if (this.stopped) break;
          failures += 1;
          this.settings.logger.warn(`KurrentDB subscription dropped (${describeError(error)}); resubscribing`);
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, Math.min(200 * 2 ** Math.min(failures, 5), 5000));
            this.retryWake = () => {
              clearTimeout(timer);
              resolve();
            };
          });
        } finally {
          await subscription.unsubscribe().catch(() => undefined);
        }
      }
    } catch (error) {
      this.stopped = true;
      this.rejectCaughtUp(error);
      if (this.options.onError) this.options.onError(error);
      else this.settings.logger.error(`KurrentDB subscription stopped: ${describeError(error)}`);
    } finally {
      this.resolveCaughtUp();
    }
  }
}

/** Marks a handler failure so that it is not mistaken for a transport error. */
class HandlerError extends Error {
  constructor(override readonly cause: unknown) {
    super('handler failed');
  }
}

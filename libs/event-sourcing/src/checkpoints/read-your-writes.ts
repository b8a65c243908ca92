import { BeforeApplicationShutdown, Inject, Injectable } from '@nestjs/common';
import { CheckpointWatcher } from './checkpoint-watcher';
import { InvalidContinuationTokenError, Page } from '../projections/sql/paging';
import {
  invalidContinuationToken,
  PagingQuery,
  parseContinuationToken,
  parseMinPosition,
  parseSize,
} from '@csp/platform';

/** How long a query waits for its projection to reach the position a command reported. */
export const READ_YOUR_WRITES_TIMEOUT_MS = 5000;

export const CHECKPOINT_WATCHER = Symbol('CHECKPOINT_WATCHER');

/**
 * Query side of read-your-writes: with `minPosition` (from a command response's X-Event-Position), wait
 * until the projection has applied it; answer 503 with Retry-After if it has not within the bound, rather
 * than serve data that silently lacks the caller's own write.
 */
@Injectable()
export class ReadYourWrites implements BeforeApplicationShutdown {
  constructor(@Inject(CHECKPOINT_WATCHER) private readonly watcher: CheckpointWatcher) {}

  /** The watcher holds a LISTEN connection of the pool; release it before the pool closes. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.watcher.close();
  }

  /**
   * One page of a projection's rows, the way every list endpoint reads it: `size` and `continuationToken` checked,
   * the projection awaited up to `minPosition`, a foreign or stale token answered 400.
   */
  async page<P extends Page<unknown>>(
    projection: string,
    q: PagingQuery,
    fetch: (page: { size: number; continuationToken?: string }) => Promise<P>,
  ): Promise<{ page: P; size: number }> {
    const size = parseSize(q.size);
    const continuationToken = parseContinuationToken(q.continuationToken);
    await this.await(projection, parseMinPosition(q.minPosition));
    return { page: await withPagingErrors(() => fetch({ size, continuationToken })), size };
  }

  async await(projection: string, minPosition: number | undefined): Promise<void> {
    if (minPosition === undefined) return;
    const reached = await this.watcher.waitForPosition(projection, minPosition, READ_YOUR_WRITES_TIMEOUT_MS);
    if (!reached) {
      throw new ReadModelBehindError(projection, minPosition);
    }
  }
}

/** Maps the queries' paging error to the API's 400. */
export async function withPagingErrors<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof InvalidContinuationTokenError) throw invalidContinuationToken();
    throw error;
  }
}

/** 503 + Retry-After through the platform's error mapping (duck-typed on code and kind). */
export class ReadModelBehindError extends Error {
  readonly code = 'read_model_behind';
  readonly kind = 'unavailable';
  readonly detail: string;
  constructor(projection: string, minPosition: number) {
    super(`The ${projection} view has not yet reached position ${minPosition}; retry shortly.`);
    this.name = 'ReadModelBehindError';
    this.detail = this.message;
  }
}

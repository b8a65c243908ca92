import type { ReadAllOptions, ReadAllResult, RecordedEvent } from '../event-store.port';
import { silentLogger } from '../event-store.logger';
import { CatchUpSubscription, type CatchUpSource } from './catch-up-subscription';

const event = (globalPosition: number): RecordedEvent => ({
  eventId: `e-${globalPosition}`,
  streamId: 'order-1',
  streamPosition: globalPosition,
  globalPosition,
  type: 'T',
  data: {},
  metadata: {},
  recordedAt: new Date(0),
});

/** An in-memory log standing in for a store: the subscription logic is what is under test here. */
class MemoryLog implements CatchUpSource {
  events: RecordedEvent[] = [];
  reads: ReadAllOptions[] = [];
  failNext = 0;
  private wake = new Set<() => void>();
  async readAll(options: ReadAllOptions): Promise<ReadAllResult> {
    this.reads.push(options);
    if (this.failNext > 0) {
      this.failNext -= 1;
      throw Object.assign(new Error('down'), { code: 'ECONNREFUSED' });
    }
    const after = options.after ?? 0;
    const max = options.maxCount ?? 1000;
    const events = this.events.filter((e) => e.globalPosition > after).slice(0, max);
    const lastPosition = events.length ? events[events.length - 1].globalPosition : after;
    return { events, lastPosition, isEnd: events.length < max };
  }
  onWake(listener: () => void) {
    this.wake.add(listener);
    return () => this.wake.delete(listener);
  }
  append(...positions: number[]) {
    this.events.push(...positions.map(event));
    this.wake.forEach((w) => w());
  }
}

const until = async (check: () => boolean) => {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(check()).toBe(true);
};

describe('CatchUpSubscription', () => {
  it('catches up after the checkpoint in batches, then follows on wake-ups', async () => {
    const log = new MemoryLog();
    log.append(1, 2, 3, 4, 5);
    const seen: number[] = [];
    const batches: number[] = [];
    const sub = new CatchUpSubscription(
      log,
      {
        after: 1,
        batchSize: 2,
        handler: async (events) =>
          void (batches.push(events.length), seen.push(...events.map((e) => e.globalPosition))),
      },
      { pollIntervalMs: 60_000, logger: silentLogger },
    );
    await sub.caughtUp;
    expect(seen).toEqual([2, 3, 4, 5]);
    expect(batches).toEqual([2, 2]);
    log.append(6);
    await until(() => seen.length === 5);
    await sub.stop();
    log.append(7);
    await new Promise((r) => setTimeout(r, 20));
    expect(seen).toEqual([2, 3, 4, 5, 6]);
  });

  it('retries failed reads and stops on a handler failure, reporting it', async () => {
    const log = new MemoryLog();
    log.failNext = 2;
    log.append(1);
    const errors: unknown[] = [];
    const sub = new CatchUpSubscription(
      log,
      { handler: async () => Promise.reject(new Error('boom')), onError: (e) => errors.push(e) },
      { pollIntervalMs: 60_000, logger: silentLogger },
    );
    await until(() => errors.length === 1);
    expect(log.reads.length).toBe(3);
    await expect(sub.caughtUp).rejects.toThrow('boom');
    await sub.stop();
  });

  it('resumes after the scanned position of a filtered read', async () => {
    const source: CatchUpSource = {
      readAll: async (o) => ({ events: [], lastPosition: o.after ?? 0, isEnd: true, scannedPosition: 42 }),
      onWake: () => () => undefined,
    };
    const reads: number[] = [];
    const wrapped: CatchUpSource = { ...source, readAll: (o) => (reads.push(o.after ?? 0), source.readAll(o)) };
    const sub = new CatchUpSubscription(
      wrapped,
      { types: ['X'], handler: async () => undefined },
      { pollIntervalMs: 5, logger: silentLogger },
    );
    await until(() => reads.length >= 2);
    await sub.stop();
    expect(reads.slice(0, 2)).toEqual([0, 42]);
  });
});

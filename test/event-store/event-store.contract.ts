import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import {
  DuplicateEventIdError,
  WrongExpectedVersionError,
  deriveEventId,
  type EventStore,
  type ExpectedVersion,
  type NewEvent,
  type RecordedEvent,
} from '../../libs/event-store/src';

export interface ContractSubject {
  store: EventStore;
  /** Closes the store and whatever the factory started. */
  cleanup(): Promise<void>;
}

export interface ContractOptions {
  /** KurrentDB answers an exact retry with plain success, so it cannot flag the replay. */
  reportsIdempotentReplay?: boolean;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls until the check passes or the time runs out (then fails with the last error). */
export async function eventually(check: () => void | Promise<void>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await sleep(25);
    }
  }
}

export const ev = (type: string, data: Record<string, unknown> = {}, id?: string): NewEvent => ({
  id,
  type,
  data,
  metadata: { correlationId: 'c-1', requestId: 'r-1', userId: 'u-1' },
});

/** A derived id as the command executor makes it (caller, request, command, stream, index). */
const derivedId = (requestId: string, streamId: string, index: number, userId = 'u-1'): string =>
  deriveEventId({ requestId, tenantId: 't-1', userId, command: 'Test' }, streamId, index);

async function expectDuplicate(promise: Promise<unknown>): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DuplicateEventIdError);
  expect(error).toMatchObject({ code: 'event_id_conflict', kind: 'conflict' });
}

async function expectConflict(promise: Promise<unknown>, actual: number | 'no_stream'): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(WrongExpectedVersionError);
  expect((error as WrongExpectedVersionError).actual).toBe(actual);
}

/** Reads every event under a prefix from the start, in batches. */
export async function readAllUnder(store: EventStore, prefix: string, maxCount = 100): Promise<RecordedEvent[]> {
  const all: RecordedEvent[] = [];
  let after = 0;
  for (;;) {
    const batch = await store.readAll({ after, maxCount, streamPrefixes: [prefix] });
    all.push(...batch.events);
    after = batch.scannedPosition ?? batch.lastPosition;
    if (batch.isEnd) return all;
  }
}

/**
 * The behaviour every adapter of the event-store port must show. Stream ids use our real
 * prefixes (order-, customer-) plus a run id, so the suite also runs against a shared KurrentDB.
 */
export function describeEventStoreContract(
  name: string,
  factory: () => Promise<ContractSubject>,
  contractOptions: ContractOptions = {},
): void {
  describe(`event store contract: ${name}`, () => {
    let subject: ContractSubject;
    let store: EventStore;
    const run = randomUUID().slice(0, 8);
    let counter = 0;
    /** A fresh stream id under this run, e.g. order-1a2b3c4d-7-… */
    const stream = (kind = 'order') => `${kind}-${run}-${++counter}-${randomUUID().slice(0, 8)}`;

    beforeAll(async () => {
      subject = await factory();
      store = subject.store;
    });
    afterAll(async () => {
      await subject?.cleanup();
    });

    describe('expected version', () => {
      it('no_stream: succeeds on a new stream, conflicts on an existing one', async () => {
        const id = stream();
        const first = await store.appendToStream(id, [ev('A'), ev('B')], { expectedVersion: 'no_stream' });
        expect(first.nextExpectedVersion).toBe(2);
        expect(first.idempotentReplay).toBe(false);
        await expectConflict(store.appendToStream(id, [ev('C')], { expectedVersion: 'no_stream' }), 2);
      });

      it('exact version: 0 means a new stream; the current version succeeds, any other conflicts', async () => {
        const id = stream();
        expect((await store.appendToStream(id, [ev('A')], { expectedVersion: 0 })).nextExpectedVersion).toBe(1);
        expect((await store.appendToStream(id, [ev('B'), ev('C')], { expectedVersion: 1 })).nextExpectedVersion).toBe(
          3,
        );
        await expectConflict(store.appendToStream(id, [ev('D')], { expectedVersion: 1 }), 3);
        await expectConflict(store.appendToStream(id, [ev('D')], { expectedVersion: 4 }), 3);
        await expectConflict(store.appendToStream(id, [ev('D')], { expectedVersion: 0 }), 3);
        await expectConflict(store.appendToStream(stream(), [ev('D')], { expectedVersion: 2 }), 'no_stream');
      });

      it('stream_exists: conflicts on a missing stream, succeeds on an existing one', async () => {
        const id = stream();
        await expectConflict(store.appendToStream(id, [ev('A')], { expectedVersion: 'stream_exists' }), 'no_stream');
        await store.appendToStream(id, [ev('A')], { expectedVersion: 'no_stream' });
        expect(
          (await store.appendToStream(id, [ev('B')], { expectedVersion: 'stream_exists' })).nextExpectedVersion,
        ).toBe(2);
      });

      it('any (and no option): appends whatever the state', async () => {
        const id = stream();
        expect((await store.appendToStream(id, [ev('A')], { expectedVersion: 'any' })).nextExpectedVersion).toBe(1);
        expect((await store.appendToStream(id, [ev('B')])).nextExpectedVersion).toBe(2);
      });

      it('reports the global position of the last event written', async () => {
        const id = stream();
        const result = await store.appendToStream(id, [ev('A'), ev('B'), ev('C')], { expectedVersion: 'no_stream' });
        const read = await store.readStream(id);
        expect(read.events.map((e) => e.streamPosition)).toEqual([1, 2, 3]);
        expect(result.lastGlobalPosition).toBe(read.events[2].globalPosition);
        const positions = read.events.map((e) => e.globalPosition);
        expect([...positions].sort((a, b) => a - b)).toEqual(positions);
        expect(new Set(positions).size).toBe(3);
      });

      it.each<[string, ExpectedVersion]>([
        ['an exact version', 1],
        ['no_stream', 'no_stream'],
      ])('50 concurrent appends with %s: exactly one succeeds, 49 conflict', async (_label, expectedVersion) => {
        const id = stream();
        if (expectedVersion === 1) await store.appendToStream(id, [ev('Seed')], { expectedVersion: 'no_stream' });
        const outcomes = await Promise.allSettled(
          Array.from({ length: 50 }, (_, i) => store.appendToStream(id, [ev('Raced', { i })], { expectedVersion })),
        );
        const ok = outcomes.filter((o) => o.status === 'fulfilled');
        const conflicts = outcomes.filter(
          (o) => o.status === 'rejected' && o.reason instanceof WrongExpectedVersionError,
        );
        expect(ok).toHaveLength(1);
        expect(conflicts).toHaveLength(49);
        const read = await store.readStream(id);
        expect(read.currentVersion).toBe(expectedVersion === 1 ? 2 : 1);
        expect(read.events.filter((e) => e.type === 'Raced')).toHaveLength(1);
      });
    });

    describe('idempotent retries', () => {
      it.each<[string, ExpectedVersion]>([
        ['the same exact version', 1],
        ['no_stream', 'no_stream'],
        ['any', 'any'],
        ['stream_exists', 'stream_exists'],
      ])(
        'a retry with derived ids and %s stores nothing twice and answers with the first positions',
        async (_l, expected) => {
          const id = stream();
          const requestId = randomUUID();
          if (expected !== 'no_stream') await store.appendToStream(id, [ev('Seed')], { expectedVersion: 'no_stream' });
          const events = [0, 1].map((i) =>
            ev(i === 0 ? 'OrderPlaced' : 'OrderConfirmed', { i }, derivedId(requestId, id, i)),
          );
          const first = await store.appendToStream(id, events, { expectedVersion: expected });
          const retry = await store.appendToStream(id, events, { expectedVersion: expected });
          expect(retry.nextExpectedVersion).toBe(first.nextExpectedVersion);
          if (contractOptions.reportsIdempotentReplay !== false) {
            expect(retry.idempotentReplay).toBe(true);
            expect(retry.lastGlobalPosition).toBe(first.lastGlobalPosition);
          }
          const read = await store.readStream(id);
          expect(read.events.map((e) => e.eventId)).toEqual([
            ...(expected === 'no_stream' ? [] : [read.events[0].eventId]),
            ...events.map((e) => e.id),
          ]);
          expect(read.currentVersion).toBe(first.nextExpectedVersion);
        },
      );

      it('derived ids are deterministic per caller, request, command, stream and index', () => {
        expect(derivedId('r', 'order-1', 0)).toBe(derivedId('r', 'order-1', 0));
        expect(derivedId('r', 'order-1', 0)).not.toBe(derivedId('r', 'order-1', 1));
        expect(derivedId('r', 'order-1', 0)).not.toBe(derivedId('r', 'order-2', 0));
        expect(derivedId('r', 'order-1', 0)).not.toBe(derivedId('r', 'order-1', 0, 'u-2'));
        expect(derivedId('r', 'order-1', 0)).toMatch(/^[0-9a-f-]{36}$/);
      });

      it.each<[string, ExpectedVersion]>([
        ['the same exact version', 1],
        ['no_stream', 'no_stream'],
        ['any', 'any'],
        ['stream_exists', 'stream_exists'],
      ])(
        'an id already stored with another type, data or caller is a DuplicateEventIdError (%s), never a replay',
        async (_l, expected) => {
          const id = stream();
          if (expected !== 'no_stream') await store.appendToStream(id, [ev('Seed')], { expectedVersion: 'no_stream' });
          const eventId = derivedId(randomUUID(), id, 0);
          await store.appendToStream(id, [ev('KeyRevealed', { line: 0 }, eventId)], { expectedVersion: expected });
          const version = (await store.readStream(id)).currentVersion;
          await expectDuplicate(
            store.appendToStream(id, [ev('OrderCancelled', { line: 0 }, eventId)], { expectedVersion: expected }),
          );
          await expectDuplicate(
            store.appendToStream(id, [ev('KeyRevealed', { line: 1 }, eventId)], { expectedVersion: expected }),
          );
          const otherCaller = {
            ...ev('KeyRevealed', { line: 0 }, eventId),
            metadata: { requestId: 'r-1', userId: 'u-2' },
          };
          await expectDuplicate(store.appendToStream(id, [otherCaller], { expectedVersion: expected }));
          const read = await store.readStream(id);
          expect(read.currentVersion).toBe(version);
          expect(read.events.filter((e) => e.eventId === eventId).map((e) => e.type)).toEqual(['KeyRevealed']);
        },
      );

      it('an id already stored in another stream is a DuplicateEventIdError; nothing is written', async () => {
        const first = stream();
        const second = stream();
        const eventId = derivedId(randomUUID(), first, 0);
        await store.appendToStream(first, [ev('A', {}, eventId)], { expectedVersion: 'no_stream' });
        await expectDuplicate(store.appendToStream(second, [ev('A', {}, eventId)], { expectedVersion: 'no_stream' }));
        expect((await store.readStream(second)).streamExists).toBe(false);
      });

      it('a different append after the retried one still gets a conflict', async () => {
        const id = stream();
        await store.appendToStream(id, [ev('A', {}, derivedId('req-x', id, 0))], { expectedVersion: 'no_stream' });
        await expectConflict(store.appendToStream(id, [ev('B')], { expectedVersion: 'no_stream' }), 1);
      });
    });

    describe('readStream', () => {
      it('returns what was appended, with metadata, positions and recorded time', async () => {
        const id = stream('customer');
        const before = Date.now();
        await store.appendToStream(id, [
          {
            type: 'CustomerRegistered',
            data: { name: 'Contoso', n: 1 },
            metadata: {
              correlationId: 'corr',
              causationId: 'cause',
              requestId: 'req',
              userId: 'u',
              tenantId: 't',
              policyVersion: '2024-01',
            },
          },
        ]);
        const read = await store.readStream(id);
        expect(read.streamExists).toBe(true);
        expect(read.currentVersion).toBe(1);
        const [e] = read.events;
        expect(e).toMatchObject({
          streamId: id,
          streamPosition: 1,
          type: 'CustomerRegistered',
          data: { name: 'Contoso', n: 1 },
          metadata: {
            correlationId: 'corr',
            causationId: 'cause',
            requestId: 'req',
            userId: 'u',
            tenantId: 't',
            policyVersion: '2024-01',
          },
        });
        expect(typeof e.globalPosition).toBe('number');
        expect(e.eventId).toMatch(/^[0-9a-f-]{36}$/);
        expect(e.recordedAt).toBeInstanceOf(Date);
        expect(Math.abs(e.recordedAt.getTime() - before)).toBeLessThan(60_000);
      });

      it('reports a missing stream', async () => {
        expect(await store.readStream(stream())).toEqual({ streamExists: false, currentVersion: 0, events: [] });
      });

      it('reads slices; currentVersion is always the whole stream', async () => {
        const id = stream();
        await store.appendToStream(
          id,
          Array.from({ length: 10 }, (_, i) => ev('E', { i })),
        );
        const slice = await store.readStream(id, { from: 3, to: 5 });
        expect(slice.currentVersion).toBe(10);
        expect(slice.events.map((e) => e.data.i)).toEqual([2, 3, 4]);
        expect((await store.readStream(id, { from: 9 })).events.map((e) => e.streamPosition)).toEqual([9, 10]);
        expect((await store.readStream(id, { to: 2 })).events.map((e) => e.streamPosition)).toEqual([1, 2]);
        expect((await store.readStream(id, { from: 11 })).events).toEqual([]);
      });

      it('travels in time: only events recorded at or before the instant', async () => {
        const id = stream();
        await store.appendToStream(id, [ev('First')]);
        const [first] = (await store.readStream(id)).events;
        await sleep(30);
        await store.appendToStream(id, [ev('Second')]);
        const past = await store.readStream(id, { recordedAtOrBefore: first.recordedAt });
        expect(past.events.map((e) => e.type)).toEqual(['First']);
        expect(
          (await store.readStream(id, { recordedAtOrBefore: new Date(first.recordedAt.getTime() - 1000) })).events,
        ).toEqual([]);
        expect((await store.readStream(id, { recordedAtOrBefore: new Date() })).events).toHaveLength(2);
      });
    });

    describe('readAll', () => {
      it('reads everything in global order, in batches, with filters', async () => {
        const prefix = `order-${run}-all-`;
        const written: string[] = [];
        for (let s = 0; s < 5; s++) {
          const id = `${prefix}${s}`;
          for (let k = 0; k < 5; k++) {
            const type = k % 2 === 0 ? 'Even' : 'Odd';
            const e = ev(type, { s, k }, randomUUID());
            written.push(e.id as string);
            await store.appendToStream(id, [e]);
          }
        }
        const batches: number[] = [];
        let after = 0;
        const seen: RecordedEvent[] = [];
        for (;;) {
          const batch = await store.readAll({ after, maxCount: 10, streamPrefixes: [prefix] });
          batches.push(batch.events.length);
          seen.push(...batch.events);
          if (batch.events.length > 0)
            expect(batch.lastPosition).toBe(batch.events[batch.events.length - 1].globalPosition);
          else expect(batch.lastPosition).toBe(after);
          after = batch.lastPosition;
          if (batch.isEnd) break;
        }
        expect(batches.slice(0, 2)).toEqual([10, 10]);
        expect(seen.map((e) => e.eventId)).toEqual(written);
        // Every field of a read-all event, not only ids and order.
        const k = (e: RecordedEvent) => (e.data as { k: number }).k;
        expect(seen.map((e) => e.streamPosition)).toEqual(seen.map((e) => k(e) + 1));
        expect(seen.map((e) => e.streamId)).toEqual(seen.map((e) => `${prefix}${(e.data as { s: number }).s}`));
        expect(seen.map((e) => e.type)).toEqual(seen.map((e) => (k(e) % 2 === 0 ? 'Even' : 'Odd')));
        expect(seen.every((e) => e.recordedAt instanceof Date && e.metadata.correlationId === 'c-1')).toBe(true);
        const positions = seen.map((e) => e.globalPosition);
        positions.slice(1).forEach((p, i) => expect(p).toBeGreaterThan(positions[i]));

        expect(await readAllUnder(store, prefix, 7)).toHaveLength(25);
        const onlyOdd = await store.readAll({ streamPrefixes: [prefix], types: ['Odd'], maxCount: 100 });
        expect(onlyOdd.events).toHaveLength(10);
        expect(onlyOdd.events.every((e) => e.type === 'Odd')).toBe(true);
        const twoStreams = await store.readAll({ streamPrefixes: [`${prefix}1`, `${prefix}3`], maxCount: 100 });
        expect(new Set(twoStreams.events.map((e) => e.streamId))).toEqual(new Set([`${prefix}1`, `${prefix}3`]));
        expect(twoStreams.isEnd).toBe(true);
        const afterMiddle = await store.readAll({ after: positions[11], streamPrefixes: [prefix], maxCount: 100 });
        expect(afterMiddle.events.map((e) => e.eventId)).toEqual(written.slice(12));
      });

      it('headPosition reaches the last appended event', async () => {
        const result = await store.appendToStream(stream(), [ev('Head')]);
        await eventually(async () =>
          expect(await store.headPosition()).toBeGreaterThanOrEqual(result.lastGlobalPosition),
        );
      });

      it('ping answers', async () => {
        await expect(store.ping()).resolves.toBeUndefined();
      });
    });

    describe('subscribe', () => {
      it('catches up from a checkpoint, then follows live; stop() ends delivery', async () => {
        const prefix = `order-${run}-sub-`;
        const id = `${prefix}1`;
        await store.appendToStream(
          id,
          [1, 2, 3, 4, 5].map((i) => ev('N', { i })),
        );
        const stored = (await store.readStream(id)).events;
        const received: RecordedEvent[] = [];
        let caughtUpAt: number | undefined;
        const sub = store.subscribe({
          after: stored[2].globalPosition,
          streamPrefixes: [prefix],
          batchSize: 2,
          handler: async (events) => {
            received.push(...events);
          },
          onCaughtUp: (position) => {
            caughtUpAt = position;
          },
        });
        await sub.caughtUp;
        expect(caughtUpAt).toBeGreaterThanOrEqual(stored[4].globalPosition);
        expect(received.map((e) => e.data.i)).toEqual([4, 5]);
        await store.appendToStream(id, [ev('N', { i: 6 })]);
        await store.appendToStream(`${prefix}2`, [ev('N', { i: 7 })]);
        await eventually(() => expect(received.map((e) => e.data.i)).toEqual([4, 5, 6, 7]));
        await sub.stop();
        await store.appendToStream(id, [ev('N', { i: 8 })]);
        await sleep(300);
        expect(received.map((e) => e.data.i)).toEqual([4, 5, 6, 7]);
      });

      it('filters by type', async () => {
        const prefix = `order-${run}-subtype-`;
        const received: string[] = [];
        const sub = store.subscribe({
          streamPrefixes: [prefix],
          types: ['Wanted'],
          handler: async (events) => {
            received.push(...events.map((e) => e.type));
          },
        });
        await sub.caughtUp;
        await store.appendToStream(`${prefix}1`, [ev('Unwanted'), ev('Wanted'), ev('Unwanted'), ev('Wanted')]);
        await eventually(() => expect(received).toEqual(['Wanted', 'Wanted']));
        await sub.stop();
      });

      it('stop() waits for the batch in flight, and no batch follows it', async () => {
        const prefix = `order-${run}-stop-`;
        let inFlight = false;
        let finished = 0;
        let calls = 0;
        const sub = store.subscribe({
          streamPrefixes: [prefix],
          batchSize: 1,
          handler: async () => {
            calls += 1;
            inFlight = true;
            await sleep(300);
            inFlight = false;
            finished += 1;
          },
        });
        await sub.caughtUp;
        await store.appendToStream(`${prefix}1`, [ev('A'), ev('B'), ev('C')]);
        await eventually(() => expect(inFlight).toBe(true));
        await sub.stop();
        expect(inFlight).toBe(false);
        expect(finished).toBe(calls);
        const afterStop = calls;
        await sleep(400);
        expect(calls).toBe(afterStop);
      });

      it('a failing handler stops the subscription and reports through onError', async () => {
        const prefix = `order-${run}-fail-`;
        await store.appendToStream(`${prefix}1`, [ev('A'), ev('B')]);
        const errors: unknown[] = [];
        let calls = 0;
        const sub = store.subscribe({
          streamPrefixes: [prefix],
          batchSize: 1,
          handler: async () => {
            calls += 1;
            throw new Error('projection broke');
          },
          onError: (error) => errors.push(error),
        });
        await eventually(() => expect(errors).toHaveLength(1));
        expect((errors[0] as Error).message).toBe('projection broke');
        await sleep(200);
        expect(calls).toBe(1);
        await sub.stop();
      });

      it('property: 8 concurrent writers for ~3 s; a tailing subscriber sees every committed event once, in global order', async () => {
        // Each writer follows a generated plan: which of a few shared streams to hit, how many
        // events, and which kind of expected version (conflicts are expected and retried).
        const opArb = fc.record({
          stream: fc.integer({ min: 0, max: 11 }),
          size: fc.integer({ min: 1, max: 4 }),
          mode: fc.constantFrom<'exact' | 'any' | 'no_stream'>('exact', 'exact', 'any', 'no_stream'),
        });
        await fc.assert(
          fc.asyncProperty(
            fc.array(fc.array(opArb, { minLength: 5, maxLength: 40 }), { minLength: 8, maxLength: 8 }),
            async (plans) => {
              const prefix = `order-${run}-prop-${randomUUID().slice(0, 6)}-`;
              const committed = new Set<string>();
              const received: RecordedEvent[] = [];
              const sub = store.subscribe({
                streamPrefixes: [prefix],
                batchSize: 50,
                handler: async (events) => {
                  received.push(...events);
                },
              });
              const deadline = Date.now() + 3000;
              let conflicts = 0;
              await Promise.all(
                plans.map(async (plan, w) => {
                  const versions = new Map<number, number>();
                  for (let n = 0; Date.now() < deadline; n++) {
                    const op = plan[n % plan.length];
                    const id = `${prefix}${op.stream}`;
                    const events = Array.from({ length: op.size }, (_, k) => ev('Tick', { w, n, k }, randomUUID()));
                    const expectedVersion: ExpectedVersion =
                      op.mode === 'any'
                        ? 'any'
                        : op.mode === 'no_stream'
                          ? 'no_stream'
                          : (versions.get(op.stream) ?? 0);
                    try {
                      const result = await store.appendToStream(id, events, { expectedVersion });
                      versions.set(op.stream, result.nextExpectedVersion);
                      events.forEach((e) => committed.add(e.id as string));
                    } catch (error) {
                      if (!(error instanceof WrongExpectedVersionError)) throw error;
                      conflicts += 1;
                      versions.set(op.stream, typeof error.actual === 'number' ? error.actual : 0);
                    }
                  }
                }),
              );
              try {
                await eventually(() => expect(received.length).toBeGreaterThanOrEqual(committed.size), 15_000);
                await sleep(100);
                const ids = received.map((e) => e.eventId);
                expect(new Set(ids).size).toBe(ids.length); // exactly once
                expect(new Set(ids)).toEqual(committed); // every committed event, nothing else
                for (let i = 1; i < received.length; i++) {
                  expect(received[i].globalPosition).toBeGreaterThan(received[i - 1].globalPosition);
                }
                const scanned = await readAllUnder(store, prefix, 200);
                expect(scanned.map((e) => e.eventId)).toEqual(ids);
                expect(committed.size).toBeGreaterThan(100);
                expect(conflicts).toBeGreaterThan(0);
              } finally {
                await sub.stop();
              }
            },
          ),
          { numRuns: 1 },
        );
      }, 45_000);
    });
  });
}

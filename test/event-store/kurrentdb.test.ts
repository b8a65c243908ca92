import { kmsMigrationStreamId, STREAM_PREFIXES, STREAMS, streamIdOf, type StreamType } from '@csp/domain';
import { openEventStore } from '@csp/event-sourcing';
import type { Filter, KurrentDBClient } from '@kurrent/kurrentdb-client';
import { KurrentDbEventStore } from '../../libs/event-store/src';
import { describeEventStoreContract } from './event-store.contract';

const url = process.env.EVENTSTORE_URL;

if (url) {
  describeEventStoreContract(
    'KurrentDB',
    async () => {
      const store = new KurrentDbEventStore({ connectionString: url, streamPrefixes: STREAM_PREFIXES });
      return { store, cleanup: () => store.close() };
    },
    { reportsIdempotentReplay: false },
  );
} else {
  describe('event store contract: KurrentDB', () => {
    it('is skipped: EVENTSTORE_URL is not set', () => {
      process.stdout.write(
        '\n[kurrentdb] contract suite SKIPPED: EVENTSTORE_URL is not set, and no EventStoreDB/KurrentDB server can run on these machines.\n' +
          '[kurrentdb] To run it: docker compose up -d eventstore, then EVENTSTORE_URL=kurrentdb://localhost:2113?tls=false npm test\n',
      );
      expect(url).toBeUndefined();
    });
  });
}

// Runs without a server: the adapter connects lazily, so the filter it builds can be checked here.
describe('KurrentDB adapter: stream filter', () => {
  const SERVERLESS = 'kurrentdb://127.0.0.1:1?tls=false';
  /** Every registered stream type: an id of it that the $all filter must let through. */
  const REGISTERED = (Object.keys(STREAMS) as StreamType[]).map((type) => streamIdOf(type, 'x1'));

  const expectCoversEveryStreamType = (filter: Filter) => {
    expect(filter).toMatchObject({ filterOn: 'streamName' });
    const prefixes = 'prefixes' in filter ? filter.prefixes : [];
    const covered = REGISTERED.map((id) => ({ id, covered: prefixes.some((p) => id.startsWith(p)) }));
    expect(covered).toEqual(REGISTERED.map((id) => ({ id, covered: true })));
    expect(prefixes.some((p) => kmsMigrationStreamId('c1').startsWith(p))).toBe(true);
    expect(prefixes.some((p) => streamIdOf('partner', 'p1').startsWith(p))).toBe(true);
  };

  it('given the service configuration, then its $all filter covers every stream type of the registry', async () => {
    // The way api, worker and CLIs open their store.
    const handle = await openEventStore({
      databaseUrl: 'postgres://unused@127.0.0.1:1/unused',
      eventStoreUrl: SERVERLESS,
      dataDir: '/nonexistent',
    });
    try {
      expect(handle.store).toBeInstanceOf(KurrentDbEventStore);
      expectCoversEveryStreamType((handle.store as KurrentDbEventStore).streamFilter);
    } finally {
      await handle.close();
    }
  });

  it('given a subscription, a read of $all and the head position, then each asks the server for that filter', async () => {
    const handle = await openEventStore({
      databaseUrl: 'postgres://unused@127.0.0.1:1/unused',
      eventStoreUrl: SERVERLESS,
      dataDir: '/nonexistent',
    });
    const client = (handle.store as unknown as { client: KurrentDBClient }).client;
    const asked: Filter[] = [];
    // The client's two $all calls, answered locally: what matters is the filter the adapter sends.
    jest.spyOn(client, 'readAll').mockImplementation((options) => {
      asked.push(options!.filter!);
      return (async function* () {})();
    });
    jest.spyOn(client, 'subscribeToAll').mockImplementation((options) => {
      asked.push(options!.filter!);
      let end: () => void = () => undefined;
      const ended = new Promise<void>((resolve) => (end = resolve));
      return {
        on: () => undefined,
        unsubscribe: async () => end(),
        // Idle until unsubscribed, like a caught-up subscription with nothing new.
        [Symbol.asyncIterator]: () => ({ next: () => ended.then(() => ({ done: true, value: undefined })) }),
      } as unknown as ReturnType<KurrentDBClient['subscribeToAll']>;
    });
    try {
      const subscription = handle.store.subscribe({ handler: async () => undefined });
      await handle.store.readAll();
      await handle.store.headPosition();
      await subscription.stop();
      expect(asked).toHaveLength(3);
      asked.forEach(expectCoversEveryStreamType);
    } finally {
      await handle.close();
    }
  });

  it('given no prefixes, then the adapter refuses to start rather than project nothing', () => {
    expect(() => new KurrentDbEventStore({ connectionString: SERVERLESS, streamPrefixes: [] })).toThrow(
      /stream prefixes/,
    );
  });
});

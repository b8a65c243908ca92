import { kmsMigrationStreamId, STREAM_PREFIXES, STREAM_TYPES, streamIdOf, type StreamType } from '@csp/domain';
import { createEventStore, KurrentDbEventStore } from '../../libs/event-store/src';
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

// Runs without a server: the adapter connects lazily, so its stream filter can be checked here.
describe('KurrentDB adapter: stream filter', () => {
  it('given the service configuration, then its $all filter covers every stream type of the registry', async () => {
    const handle = await createEventStore({
      databaseUrl: 'postgres://unused@127.0.0.1:1/unused',
      eventStoreUrl: 'kurrentdb://127.0.0.1:1?tls=false',
      dataDir: '/nonexistent',
      streamPrefixes: STREAM_PREFIXES,
    });
    try {
      const prefixes = (handle.store as KurrentDbEventStore).prefixes;
      for (const type of Object.keys(STREAM_TYPES) as StreamType[]) {
        const id = streamIdOf(type, 'x1');
        expect({ id, covered: prefixes.some((p) => id.startsWith(p)) }).toEqual({ id, covered: true });
      }
      expect(prefixes.some((p) => kmsMigrationStreamId('c1').startsWith(p))).toBe(true);
    } finally {
      await handle.close();
    }
  });

  it('given no prefixes, then the adapter refuses to start rather than project nothing', () => {
    expect(
      () => new KurrentDbEventStore({ connectionString: 'kurrentdb://127.0.0.1:1?tls=false', streamPrefixes: [] }),
    ).toThrow(/stream prefixes/);
  });
});

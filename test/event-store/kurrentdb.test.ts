import { KurrentDbEventStore } from '../../libs/event-store/src';
import { describeEventStoreContract } from './event-store.contract';

const url = process.env.EVENTSTORE_URL;

if (url) {
  describeEventStoreContract(
    'KurrentDB',
    async () => {
      const store = new KurrentDbEventStore({ connectionString: url });
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

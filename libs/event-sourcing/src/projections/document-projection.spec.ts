import type { DomainEvent, RecordedEvent } from '@csp/event-store';
import type { PoolClient } from 'pg';
import { documentProjection, type StoredDocument } from './document-projection';

type Added = DomainEvent<'Added', { key: string; n: number }>;
type Doc = { total: number };

const event = (position: number, type: string, data: Record<string, unknown>): RecordedEvent => ({
  eventId: `e${position}`,
  streamId: 's',
  streamPosition: position,
  globalPosition: position,
  type,
  data,
  metadata: {},
  recordedAt: new Date(0),
});
const added = (position: number, key: string, n: number) => event(position, 'Added', { key, n });
const client = {} as PoolClient;

/** A projection over an in-memory table, recording its loads and writes. */
function harness(stored: StoredDocument<Doc>[] = [], withLoad = true) {
  const loads: string[][] = [];
  const writes: StoredDocument<Doc>[][] = [];
  const projection = documentProjection<Added, Doc>({
    name: 'totals',
    version: 1,
    eventTypes: { Added: true },
    migrate: async () => undefined,
    key: (e) => e.data.key,
    evolve: (doc, e) => (e.data.n === 0 ? doc : { total: (doc?.total ?? 0) + e.data.n }),
    ...(withLoad
      ? {
          load: async (_client: PoolClient, keys: readonly string[]) => {
            loads.push([...keys]);
            return stored.filter((s) => keys.includes(s.key));
          },
        }
      : {}),
    write: async (_client, documents) => void writes.push([...documents]),
  });
  return { projection, loads, writes };
}

describe('documentProjection', () => {
  it('given a batch, then it loads its keys once, folds in order and writes each changed document once', async () => {
    const { projection, loads, writes } = harness([{ key: 'a', document: { total: 10 }, position: 1 }]);
    await projection.apply(client, [added(2, 'a', 1), event(3, 'Other', {}), added(4, 'b', 2), added(5, 'a', 3)]);
    expect(loads).toEqual([['a', 'b']]);
    expect(writes).toEqual([
      [
        { key: 'a', document: { total: 14 }, position: 5 },
        { key: 'b', document: { total: 2 }, position: 4 },
      ],
    ]);
    expect(projection.eventTypes).toEqual(['Added']);
  });

  it('given events at or below the stored position, then they are folded in already and skipped', async () => {
    const { projection, writes } = harness([{ key: 'a', document: { total: 10 }, position: 7 }]);
    await projection.apply(client, [added(6, 'a', 1), added(7, 'a', 1)]);
    expect(writes).toEqual([]);
    await projection.apply(client, [added(7, 'a', 1), added(8, 'a', 5)]);
    expect(writes).toEqual([[{ key: 'a', document: { total: 15 }, position: 8 }]]);
  });

  it('given an event that changes nothing (evolve returns the same document), then nothing is written', async () => {
    const { projection, writes } = harness([{ key: 'a', document: { total: 10 }, position: 1 }]);
    await projection.apply(client, [added(2, 'a', 0), added(3, 'z', 0)]);
    expect(writes).toEqual([]);
  });

  it('given no load, then each batch folds from no document and leaves the stored one to the write', async () => {
    const { projection, loads, writes } = harness([], false);
    await projection.apply(client, [added(1, 'a', 1), added(2, 'a', 2)]);
    expect(loads).toEqual([]);
    expect(writes).toEqual([[{ key: 'a', document: { total: 3 }, position: 2 }]]);
  });

  it('given an evolve that drops a document, then the batch fails (projections keep their documents)', async () => {
    const projection = documentProjection<Added, Doc>({
      name: 'dropping',
      version: 1,
      eventTypes: { Added: true },
      migrate: async () => undefined,
      key: (e) => e.data.key,
      evolve: (doc) => (doc ? null : { total: 1 }),
      load: async () => [{ key: 'a', document: { total: 1 }, position: 1 }],
      write: async () => undefined,
    });
    await expect(projection.apply(client, [added(2, 'a', 1)])).rejects.toThrow(/dropped document a/);
  });
});

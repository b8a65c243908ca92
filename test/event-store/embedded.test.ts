import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  EventStoreUnavailableError,
  PostgresEventStore,
  startEmbeddedPostgres,
  type EmbeddedPostgresHandle,
} from '../../libs/event-store/src';
import { describeEventStoreContract, ev, eventually } from './event-store.contract';

// One embedded PostgreSQL (its own data directory and port, never 5432) serves the whole file.
let dataDir: string;
let server: EmbeddedPostgresHandle | undefined;
let serverStarted: Promise<EmbeddedPostgresHandle> | undefined;
const start = () =>
  (serverStarted ??= (async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'es-embedded-'));
    server = await startEmbeddedPostgres({ dataDir, database: 'es_contract', ephemeral: true });
    return server;
  })());

afterAll(async () => {
  await server?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
}, 30_000);

describeEventStoreContract('embedded PostgreSQL', async () => {
  const { url, port } = await start();
  expect(port).not.toBe(5432);
  const store = await PostgresEventStore.create({ connectionString: url, kind: 'embedded' });
  expect(store.kind).toBe('embedded');
  return { store, cleanup: () => store.close() };
});

describe('embedded PostgreSQL lifecycle', () => {
  it('survives a PostgreSQL restart: appends fail with EventStoreUnavailableError meanwhile, followers resume', async () => {
    await start();
    const handle = server as EmbeddedPostgresHandle;
    const store = await PostgresEventStore.create({
      connectionString: handle.url,
      schema: 'restart',
      kind: 'embedded',
    });
    const received: string[] = [];
    const sub = store.subscribe({
      streamPrefixes: ['order-restart-'],
      handler: async (events) => void received.push(...events.map((e) => e.type)),
    });
    await sub.caughtUp;
    await store.appendToStream('order-restart-1', [ev('Before')]);
    await eventually(() => expect(received).toEqual(['Before']));

    await handle.stop();
    await expect(store.appendToStream('order-restart-1', [ev('During')])).rejects.toBeInstanceOf(
      EventStoreUnavailableError,
    );
    await expect(store.ping()).rejects.toBeInstanceOf(EventStoreUnavailableError);

    // Same data directory, same port: the service comes back without a restart of its own.
    server = await startEmbeddedPostgres({
      dataDir: handle.dataDir,
      port: handle.port,
      database: 'es_contract',
      ephemeral: true,
    });
    await eventually(() => store.ping(), 15_000);
    await store.appendToStream('order-restart-1', [ev('After')], { expectedVersion: 1 });
    await eventually(() => expect(received).toEqual(['Before', 'After']), 15_000);
    await eventually(() => expect(store.listening).toBe(true), 15_000);
    await sub.stop();
    await store.close();
  }, 60_000);

  it('starts again over a stale postmaster.pid left by a killed run, keeping the data', async () => {
    await start();
    const handle = server as EmbeddedPostgresHandle;
    const store = await PostgresEventStore.create({ connectionString: handle.url, schema: 'stale' });
    await store.appendToStream('order-stale-1', [ev('Kept')]);
    await store.close();
    await handle.stop();
    // A killed run leaves its pid file behind; the pid is long gone (or now someone else's).
    await writeFile(join(handle.dataDir, 'postmaster.pid'), `${process.pid}\n${handle.dataDir}\n0\n${handle.port}\n`);
    server = await startEmbeddedPostgres({ dataDir: handle.dataDir, database: 'es_contract', ephemeral: true });
    const again = await PostgresEventStore.create({ connectionString: server.url, schema: 'stale' });
    expect((await again.readStream('order-stale-1')).events.map((e) => e.type)).toEqual(['Kept']);
    await again.close();
  }, 60_000);
});

// Emmett's PostgreSQL event store (event-driven-io/emmett), loaded like our store in bench/workloads/peers.bench.ts,
// one phase per run so that the bench alternates it with ours:
// - PEER_PHASE=append: `PEER_WRITERS` concurrent writers append one event to each of `PEER_APPENDS` new streams
//   (numbered from `PEER_OFFSET`);
// - PEER_PHASE=read: every event read back in global order in batches of 1,000 (at least PEER_EXPECT of them).
// Prints one JSON line: { eps, events }. Run in a process of its own with its own installation
// (bench/peers/emmett/package.json), as Emmett 0.42 asks for a commander our lock file does not hold.
import { performance } from 'node:perf_hooks';
import process from 'node:process';
import { setTimeout as sleep } from 'node:timers/promises';
import { dumbo } from '@event-driven-io/dumbo';
import { getPostgreSQLEventStore, readMessagesBatch } from '@event-driven-io/emmett-postgresql';

const env = process.env;
/** The same event as ours (bench/support/bench-event.ts), its index replaced by each writer. */
const template = JSON.parse(env.PEER_EVENT);
const event = (i) => ({
  type: template.type,
  data: { ...template.data, orderId: `order-${i}`, customerId: `customer-${i % 997}`, quantity: 1 + (i % 50) },
  metadata: { ...template.metadata, correlationId: `c-${i}`, requestId: `r-${i}` },
});

async function append(store) {
  const [count, offset, writers] = [Number(env.PEER_APPENDS), Number(env.PEER_OFFSET), Number(env.PEER_WRITERS)];
  // The schema is created by the first append, and the pool opened: outside the timing.
  await store.appendToStream(`warm-${offset}`, [event(-1)]);
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: writers }, async () => {
      for (let i = next++; i < count; i = next++)
        await store.appendToStream(`order-${offset + i}`, [event(offset + i)], {
          expectedStreamVersion: 'STREAM_DOES_NOT_EXIST',
        });
    }),
  );
  return { eps: count / ((performance.now() - started) / 1000), events: count };
}

/** One timed read of everything; again (after a pause) while it sees fewer than PEER_EXPECT events. */
async function readAll(reader) {
  await reader.execute.query({ sql: 'SELECT 1', params: [] }).catch(() => undefined);
  // Emmett reads only below the oldest transaction still open in the whole cluster, so another database's
  // activity can hold its last events back for a moment after the appends returned.
  for (let tries = 1; ; tries++) {
    const started = performance.now();
    let after = 0n;
    let events = 0;
    for (;;) {
      const batch = await readMessagesBatch(reader.execute, { after, batchSize: 1000 });
      events += batch.messages.length;
      after = batch.currentGlobalPosition;
      if (!batch.areMessagesLeft || batch.messages.length === 0) break;
    }
    const eps = events / ((performance.now() - started) / 1000);
    if (events >= Number(env.PEER_EXPECT) || tries === 50) return { eps, events };
    await sleep(100);
  }
}

const store = getPostgreSQLEventStore(env.PEER_DATABASE_URL);
const reader = dumbo({ connectionString: env.PEER_DATABASE_URL });
try {
  const result = env.PEER_PHASE === 'read' ? await readAll(reader) : await append(store);
  process.stdout.write(`${JSON.stringify(result)}\n`);
} finally {
  await reader.close();
  await store.close();
}

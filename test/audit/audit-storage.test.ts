import fc from 'fast-check';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { PostgresEventStore, type RecordedEvent } from '@csp/event-store';
import {
  auditEventOf,
  canonicalEventLine,
  consistencyProof,
  fromHex,
  inclusionProof,
  leafHash,
  memoryNodes,
  rootHash,
  toHex,
  verifyConsistency,
} from '@csp/capabilities/audit-trail';
import { TenantAttribution } from '../../libs/capabilities/audit-trail/log/attribution';
import { migrateAuditLog } from '../../libs/capabilities/audit-trail/log/audit-log.store';
import { ingestBatch } from '../../libs/capabilities/audit-trail/log/ingest';
import { customerNamedBy, partnerNamedBy, tenantOf } from '../../libs/capabilities/audit-trail/log/tenant-of-event';
import { LiveIngestion } from '../../libs/capabilities/audit-trail/log/live-ingestion';
import { AuditTreeReader } from '../../libs/capabilities/audit-trail/log/tree-reader';
import { exportLines } from '../../libs/capabilities/audit-trail/export-events/event-export';
import { issueDigests, publishKeys } from '../../libs/capabilities/audit-trail/produce-digests/issue-digests';
import { AuditTrailQueries } from '../../libs/capabilities/audit-trail/read-trail/audit-trail.queries';
import { createTestDatabase, TestDatabase } from '../support/database';

// Issue 17's trees as stored (tiles of 256 leaves, subtrees from 256 leaves up, a Bloom filter per tile), on the
// real PostgreSQL: what the producer stores answers exactly what the whole tree held in memory answers, however
// ingestion was cut into batches; attribution matches the rule of tenant-of-event.ts applied in global order; an
// older layout is upgraded by a rebuild that reproduces the signed roots.
describe('audit trail storage', () => {
  let db: TestDatabase;
  let pool: Pool;
  let store: PostgresEventStore;
  const key = { kid: 'test', privateKey: generateKeyPairSync('ed25519').privateKey };

  beforeAll(async () => {
    db = await createTestDatabase('csp_audit_storage');
    pool = new Pool({ connectionString: db.url, max: 4 });
    store = await PostgresEventStore.create({ connectionString: db.url });
    await migrateAuditLog(pool);
    await publishKeys(pool, [key], new Date());
  });

  afterAll(async () => {
    await store?.close();
    await pool?.end();
    await db?.drop();
  });

  /** Every event of the store, in global order. */
  async function history(): Promise<RecordedEvent[]> {
    const events: RecordedEvent[] = [];
    for (let after: number | undefined; ;) {
      const batch = await store.readAll({ after, maxCount: 1000 });
      events.push(...batch.events);
      if (batch.events.length === 0 || batch.isEnd) return events;
      after = batch.lastPosition;
    }
  }

  /** Rebuilds every tree from the store (as after an upgrade), in batches of the given sizes. */
  async function rebuild(cuts: number[], restarts = false): Promise<void> {
    await pool.query('DELETE FROM audit_log_version');
    await migrateAuditLog(pool);
    let attribution = new TenantAttribution();
    for (let i = 0, caughtUp = false; !caughtUp; i++) {
      if (restarts && i % 2 === 1) attribution = new TenantAttribution();
      caughtUp = (await ingestBatch(pool, store, cuts[i % cuts.length], attribution)).caughtUp;
    }
  }

  /** The events of a tenant's tree, in leaf order, as stored. */
  async function treeOf(tenant: string, events: RecordedEvent[]): Promise<RecordedEvent[]> {
    const reader = new AuditTreeReader(pool);
    const tree = await reader.tree(tenant);
    if (!tree) return [];
    const byPosition = new Map(events.map((e) => [e.globalPosition, e]));
    return (await reader.positions(tree, 0, tree.size)).map((p) => byPosition.get(p) as RecordedEvent);
  }

  describe('attribution', () => {
    /** tenant-of-event.ts's rule applied to the whole history in global order, all of it in memory. */
    function reference(events: RecordedEvent[]): Map<string, string[]> {
      const streams = new Map<string, string>();
      const customers = new Map<string, string>();
      const trees = new Map<string, string[]>();
      for (const e of events) {
        const tenant = tenantOf(e, streams.get(e.streamId), (c) => customers.get(c));
        if (!streams.has(e.streamId)) streams.set(e.streamId, tenant);
        const customer = customerNamedBy(e);
        const partner = partnerNamedBy(e);
        if (customer && partner && !customers.has(customer)) customers.set(customer, partner);
        trees.set(tenant, [...(trees.get(tenant) ?? []), e.eventId]);
      }
      return trees;
    }

    // Streams whose events may or may not name a partner or a customer, interleaved at random; ingestion cut into
    // small batches, with the producer restarted (its memory lost) between batches.
    const shape = fc.record({
      stream: fc.nat({ max: 4 }),
      partner: fc.option(fc.nat({ max: 2 }), { nil: undefined }),
      customer: fc.option(fc.nat({ max: 3 }), { nil: undefined }),
    });

    it('puts each event in the tree the rule says, whatever the batches and restarts', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(shape, { minLength: 1, maxLength: 40 }),
          fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 3 }),
          async (shapes, cuts) => {
            const run = randomUUID().slice(0, 8);
            const partners = [0, 1, 2].map(() => randomUUID());
            for (const [i, e] of shapes.entries()) {
              const data: Record<string, unknown> = { i };
              if (e.partner !== undefined) data.partnerTenantId = partners[e.partner];
              if (e.customer !== undefined) data.customerId = `customer-${run}-${e.customer}`;
              await store.appendToStream(`attribution-${run}-${e.stream}`, [{ type: 'Happened', data }]);
            }
            await rebuild(cuts, true);
            const events = await history();
            for (const [tenant, ids] of reference(events))
              expect((await treeOf(tenant, events)).map((e) => e.eventId)).toEqual(ids);
          },
        ),
        { numRuns: 12 },
      );
    });
  });

  describe('proofs', () => {
    const partner = randomUUID();
    let events: RecordedEvent[];
    let leaves: Buffer[];
    let memory: ReturnType<typeof memoryNodes>;
    const queries = () => new AuditTrailQueries(pool);

    beforeAll(async () => {
      // 1,300 events of one partner: five whole tiles, subtrees up to level 10, and an unfinished tile.
      for (let i = 0; i < 13; i++) {
        await store.appendToStream(
          `proofs-${randomUUID()}`,
          Array.from({ length: 100 }, (_, j) => ({
            type: 'Proved',
            data: { partnerTenantId: partner, n: i * 100 + j, text: `é"\\\n${j}` },
          })),
        );
      }
      await rebuild([700]);
      events = await treeOf(partner, await history());
      leaves = events.map((e) => leafHash(Buffer.from(canonicalEventLine(auditEventOf(e)), 'utf8')));
      memory = memoryNodes(leaves);
    });

    const size = fc.oneof(fc.integer({ min: 1, max: 1300 }), fc.constantFrom(1, 255, 256, 257, 512, 513, 1024, 1300));

    it('holds every event of the partner, in global order', () => {
      expect(events).toHaveLength(1300);
      expect(events.every((e, i) => i === 0 || e.globalPosition > events[i - 1].globalPosition)).toBe(true);
    });

    it('gives the inclusion proof of the whole tree held in memory, found by event id, at any size', async () => {
      await fc.assert(
        fc.asyncProperty(size, fc.nat(), async (treeSize, n) => {
          const index = n % treeSize;
          const proof = await queries().inclusion(partner, events[index].eventId, treeSize);
          expect(proof).toEqual({
            eventId: events[index].eventId,
            leafIndex: index,
            treeSize,
            auditPath: inclusionProof(memory, index, treeSize).map(toHex),
          });
        }),
        { numRuns: 60 },
      );
      await expect(queries().inclusion(partner, events[1299].eventId, 1299)).rejects.toMatchObject({
        code: 'event_not_found',
      });
      await expect(queries().inclusion(partner, randomUUID(), 1300)).rejects.toMatchObject({
        code: 'event_not_found',
      });
    });

    it('gives the consistency proof of the whole tree held in memory, between any two sizes', async () => {
      await fc.assert(
        fc.asyncProperty(size, fc.nat(), async (second, n) => {
          const first = 1 + (n % second);
          const proof = await queries().consistency(partner, first, second);
          expect(proof.consistencyPath).toEqual(consistencyProof(memory, first, second).map(toHex));
        }),
        { numRuns: 60 },
      );
    });

    it('stores the same tree however ingestion is cut into batches', async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(fc.integer({ min: 20, max: 600 }), { minLength: 1, maxLength: 4 }), async (cuts) => {
          await rebuild(cuts);
          const reader = new AuditTreeReader(pool);
          const tree = await reader.tree(partner);
          expect(tree?.size).toBe(1300);
          const [root] = await reader.prove(tree!, (node) => [rootHash(node, 1300)]);
          expect(toHex(root)).toBe(toHex(rootHash(memory, 1300)));
          expect((await treeOf(partner, events)).map((e) => e.eventId)).toEqual(events.map((e) => e.eventId));
        }),
        { numRuns: 6 },
      );
    });
  });

  describe('upgrade from an older layout', () => {
    it('rebuilds the trees from the store, with the roots the existing digests signed, and the chain goes on', async () => {
      const partner = randomUUID();
      const append = (n: number) =>
        store.appendToStream(
          `upgrade-${randomUUID()}`,
          Array.from({ length: n }, (_, i) => ({ type: 'Upgraded', data: { partnerTenantId: partner, i } })),
        );
      await append(300);
      await rebuild([1000]);
      const [signed] = (await issueDigests(pool, key, new Date())).filter((d) => d.tenantId === partner);
      expect(signed.treeSize).toBe(300);

      // A database of the first layout: no version row, a leaf and a node per row (no tiles), its checkpoint.
      await pool.query(`DELETE FROM audit_log_version;
        DROP TABLE audit_trees, audit_tiles, audit_subtrees;
        CREATE TABLE audit_trees (tenant_id text PRIMARY KEY, tree_size bigint NOT NULL, frontier bytea NOT NULL);
        CREATE TABLE audit_leaves (tenant_id text, leaf_index bigint, global_position bigint, event_id text,
                                   PRIMARY KEY (tenant_id, leaf_index));
        CREATE TABLE audit_nodes (tenant_id text, level smallint, idx bigint, hash bytea,
                                  PRIMARY KEY (tenant_id, level, idx));`);
      await migrateAuditLog(pool);
      const tables = await pool.query<{ t: string }>(
        `SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public' AND tablename LIKE 'audit%' ORDER BY 1`,
      );
      expect(tables.rows.map((r) => r.t)).toEqual([
        'audit_checkpoint',
        'audit_customer_partners',
        'audit_digests',
        'audit_keys',
        'audit_log_version',
        'audit_stream_tenants',
        'audit_subtrees',
        'audit_tiles',
        'audit_trees',
      ]);
      expect((await pool.query('SELECT position FROM audit_checkpoint')).rows[0].position).toBe('-1');
      expect((await pool.query('SELECT version FROM audit_log_version')).rows[0].version).toBe(2);

      // The producer's next rounds rebuild every tree; nothing new to sign until the tree grows past the digest.
      for (let caughtUp = false; !caughtUp;)
        caughtUp = (await ingestBatch(pool, store, 100, new TenantAttribution())).caughtUp;
      expect((await issueDigests(pool, key, new Date())).filter((d) => d.tenantId === partner)).toEqual([]);
      const reader = new AuditTreeReader(pool);
      const [root] = await reader.prove((await reader.tree(partner))!, (node) => [rootHash(node, 300)]);
      expect(toHex(root)).toBe(signed.rootHash);

      await append(20);
      for (let caughtUp = false; !caughtUp;)
        caughtUp = (await ingestBatch(pool, store, 100, new TenantAttribution())).caughtUp;
      const [next] = (await issueDigests(pool, key, new Date())).filter((d) => d.tenantId === partner);
      expect(next).toMatchObject({ sequence: signed.sequence + 1, treeSize: 320 });
      const { consistencyPath } = await new AuditTrailQueries(pool).consistency(partner, 300, 320);
      expect(
        verifyConsistency(300, 320, fromHex(signed.rootHash), fromHex(next.rootHash), consistencyPath.map(fromHex)),
      ).toBe(true);
    });
  });

  describe('following the store', () => {
    const partner = randomUUID();
    const append = (n: number) =>
      store.appendToStream(
        `follow-${randomUUID()}`,
        Array.from({ length: n }, (_, i) => ({ type: 'Followed', data: { partnerTenantId: partner, i } })),
      );
    /** Waits until the subscription has handed over every event of the store (it hashes them on arrival). */
    async function flushed(live: LiveIngestion): Promise<number> {
      const head = (await history()).at(-1)!.globalPosition;
      let appended = 0;
      for (let i = 0; i < 200; i++) {
        appended += await live.flush();
        const { rows } = await pool.query<{ position: string }>('SELECT position FROM audit_checkpoint');
        if (Number(rows[0].position) >= head) return appended;
        await new Promise((r) => setTimeout(r, 25));
      }
      throw new Error('the subscription never caught up');
    }
    /** The partner's tree as stored, against the one a pull from the start stores. */
    async function sameAsPull(): Promise<void> {
      const events = await history();
      const followed = (await treeOf(partner, events)).map((e) => e.eventId);
      const reader = new AuditTreeReader(pool);
      const root = async () => {
        const tree = (await reader.tree(partner))!;
        return toHex((await reader.prove(tree, (node) => [rootHash(node, tree.size)]))[0]);
      };
      const followedRoot = await root();
      await rebuild([2000]);
      expect(followed).toEqual((await treeOf(partner, events)).map((e) => e.eventId));
      expect(followedRoot).toBe(await root());
    }

    it('appends what the subscription hands over, as a pull would, skipping what others appended meanwhile', async () => {
      const live = new LiveIngestion(pool, store, new TenantAttribution(), (m) => {
        throw new Error(m);
      });
      await live.start();
      try {
        await append(3);
        expect(await flushed(live)).toBeGreaterThanOrEqual(3);
        // Another producer (a pull here) appends the next events first: the subscription's copies are skipped.
        await append(5);
        await new Promise((r) => setTimeout(r, 200));
        for (let caughtUp = false; !caughtUp;)
          caughtUp = (await ingestBatch(pool, store, 2, new TenantAttribution())).caughtUp;
        expect(await live.flush()).toBe(0);
        // And past a batch of 2,000, the subscription waits for a flush of its own.
        await append(2100);
        await flushed(live);
      } finally {
        await live.stop();
      }
      await sameAsPull();
    });

    it('follows again from the checkpoint when the log went back (a rebuild after an upgrade)', async () => {
      const live = new LiveIngestion(pool, store, new TenantAttribution(), () => undefined);
      await live.start();
      try {
        await append(2);
        await flushed(live);
        await pool.query('DELETE FROM audit_log_version');
        await migrateAuditLog(pool);
        await append(1);
        await flushed(live);
      } finally {
        await live.stop();
      }
      await sameAsPull();
    });
  });

  describe('export', () => {
    const partner = randomUUID();
    const other = randomUUID();
    let events: RecordedEvent[];
    const lines = async (from: number, to: number): Promise<string> => {
      let text = '';
      for await (const chunk of exportLines(pool, store, partner, { from, to })) text += chunk;
      return text;
    };

    beforeAll(async () => {
      // About 700 events of the partner interleaved with another tenant's, in streams of 1 to 9 events.
      for (let i = 0; i < 200; i++) {
        await store.appendToStream(
          `export-${randomUUID()}`,
          Array.from({ length: 1 + (i % 9) }, (_, j) => ({
            type: 'Exported',
            data: { partnerTenantId: i % 3 === 0 ? other : partner, i, j, note: 'ü\n"' },
          })),
        );
      }
      await rebuild([500]);
      events = await treeOf(partner, await history());
    });

    it('sends the leaves [from, to) in tree order, each its canonical line, whatever the range', async () => {
      expect(events.length).toBeGreaterThan(512);
      await fc.assert(
        fc.asyncProperty(fc.nat({ max: events.length + 5 }), fc.nat({ max: events.length + 5 }), async (a, b) => {
          const [from, to] = a <= b ? [a, b] : [b, a];
          const expected = events
            .slice(from, to)
            .map((e) => `${canonicalEventLine(auditEventOf(e))}\n`)
            .join('');
          expect(await lines(from, to)).toBe(expected);
        }),
        { numRuns: 25 },
      );
    });

    it('scans the global order once: each read continues the previous one (the store’s read-ahead is used)', async () => {
      const reads: { after?: number; lastPosition: number }[] = [];
      const counting = Object.create(store) as PostgresEventStore;
      counting.readAll = async (o) => {
        const batch = await store.readAll(o);
        reads.push({ after: o?.after, lastPosition: batch.lastPosition });
        return batch;
      };
      let text = '';
      for await (const chunk of exportLines(pool, counting, partner, { from: 0, to: events.length })) text += chunk;
      expect(text.split('\n').filter(Boolean)).toHaveLength(events.length);
      expect(reads.length).toBeGreaterThan(2);
      reads.slice(1).forEach((r, i) => expect(r.after).toBe(reads[i].lastPosition));
    });

    it('leaves out a leaf whose event is gone from the store, and goes on with the next', async () => {
      const gone = events[300];
      await pool.query('DELETE FROM es_events WHERE event_id = $1', [gone.eventId]);
      // The store may hand out a read made ahead for a reader before the delete for up to 250 ms: past that.
      await new Promise((r) => setTimeout(r, 300));
      const sent = (await lines(0, events.length)).split('\n').filter(Boolean);
      expect(sent).toEqual(events.filter((e) => e !== gone).map((e) => canonicalEventLine(auditEventOf(e))));
    });
  });
});

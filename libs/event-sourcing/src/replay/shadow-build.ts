import type { EventStore, ReadAllResult, RecordedEvent } from '@csp/event-store';
import type { Pool, PoolClient } from 'pg';
import type { Projection } from '../projections/projection';
import { PROJECTION_SESSION } from '../projections/projection-runner';

/** Progress of a rebuild, reported after every batch. */
export interface RebuildProgress {
  /** Events applied so far (of the projections' types). */
  events: number;
  /** Global position the build has reached. */
  position: number;
  /** Head of the store when the build started (positions are sparse: not an event count). */
  head: number;
}

export interface ShadowBuildOptions {
  pool: Pool;
  eventStore: EventStore;
  projections: readonly Projection[];
  /** The schema to build in; created here, must not exist yet. */
  schema: string;
  /** Events per read and per transaction. Default 1000. */
  batchSize?: number;
  /**
   * Connections that apply a batch's projections at the same time (each projection in order on one of them),
   * taken from the pool during catchUp. Default 2.
   */
  concurrency?: number;
  onProgress?: (progress: RebuildProgress) => void;
}

export const quoteIdent = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/** A fresh schema name with a UTC timestamp, e.g. rm_build_20240310t093000123z. */
export const timestampedSchema = (prefix: string, now = new Date()): string =>
  `${prefix}_${now.toISOString().replace(/[-:.]/g, '').toLowerCase()}_${Math.random().toString(36).slice(2, 6)}`;

/**
 * Projections rebuilt from the event store into tables of a schema of their own: projections use
 * unqualified table names, so a connection whose search_path is only that schema creates and fills
 * fresh tables while the live ones keep serving. Each projection's build position is tracked separately
 * so that it can be brought to exactly the live checkpoint (swap, verify).
 */
export class ShadowBuild {
  readonly schema: string;
  /** Tables each projection created (found by listing the schema after its migrate). */
  readonly tables = new Map<string, string[]>();
  private readonly positions = new Map<string, number>();
  /** Position of the last event each projection applied (≤ its build position). */
  private readonly lastEvents = new Map<string, number>();
  private events = 0;
  /** Events applied at which the tables are analyzed next. */
  private analyzeAt = 1;

  private constructor(
    private readonly options: ShadowBuildOptions,
    private readonly client: PoolClient,
  ) {
    this.schema = options.schema;
  }

  static async create(options: ShadowBuildOptions): Promise<ShadowBuild> {
    const client = await options.pool.connect();
    try {
      await client.query(`CREATE SCHEMA ${quoteIdent(options.schema)}`);
      await prepareSession(client, options.schema);
      const build = new ShadowBuild(options, client);
      for (const projection of options.projections) {
        const before = new Set(await build.listTables());
        await projection.migrate(client, { queryIndexes: false });
        build.tables.set(
          projection.name,
          (await build.listTables()).filter((t) => !before.has(t)),
        );
        build.positions.set(projection.name, 0);
      }
      return build;
    } catch (error) {
      client.release(true);
      throw error;
    }
  }

  get projections(): readonly Projection[] {
    return this.options.projections;
  }

  position(name: string): number {
    return this.positions.get(name) ?? 0;
  }

  /** Position of the last event of its types the projection applied (0 if none). */
  lastEventPosition(name: string): number {
    return this.lastEvents.get(name) ?? 0;
  }

  /** Events applied so far, all projections together. */
  get applied(): number {
    return this.events;
  }

  /**
   * Applies every projection's events after the lowest build position up to `to` (inclusive; default: until
   * the store's end), one read per batch. The next batch is read while the current one is written, and the
   * batch's projections are applied on several connections at once (see concurrency), each in a transaction:
   * reading, parsing, preparing rows and writing them overlap.
   */
  async catchUp(to: number = Number.MAX_SAFE_INTEGER): Promise<number> {
    const types = [...new Set(this.options.projections.flatMap((p) => p.eventTypes))];
    const head = await this.options.eventStore.headPosition();
    const read = (after: number): Promise<ReadAllResult> =>
      this.options.eventStore.readAll({ after, maxCount: this.batchSize, types });
    let from = Math.min(...this.options.projections.map((p) => this.position(p.name)));
    if (from >= to) return from;
    const lanes = [this.client];
    let next: Promise<ReadAllResult> | undefined;
    try {
      // A build's lanes are its own sessions (search_path, commit mode): closed afterwards, not pooled.
      for (let i = 1; i < (this.options.concurrency ?? 2); i++) {
        const lane = await this.options.pool.connect();
        lanes.push(lane);
        await prepareSession(lane, this.schema);
      }
      next = read(from);
      while (next) {
        const batch = await next;
        next = undefined;
        const scanned = Math.min(to, Math.max(batch.lastPosition, batch.scannedPosition ?? batch.lastPosition));
        if (scanned <= from) break;
        if (!batch.isEnd && scanned < to) next = read(scanned);
        await this.applyBatch(
          lanes,
          batch.events.filter((e) => e.globalPosition <= to),
          scanned,
        );
        from = scanned;
        this.options.onProgress?.({ events: this.events, position: from, head });
      }
    } finally {
      // After a failure the read ahead is not awaited: its own failure must not go unhandled.
      next?.catch(() => undefined);
      for (const lane of lanes.slice(1)) lane.release(true);
    }
    return from;
  }

  /**
   * Makes the tables ready to serve: creates the query-only indexes that the load left out (one sort each
   * instead of row-by-row upkeep) and gathers the planner's statistics (autovacuum may be off or late, and
   * the swapped-in tables would otherwise be queried without any).
   */
  async finish(): Promise<void> {
    for (const projection of this.options.projections) await projection.migrate(this.client, { queryIndexes: true });
    await this.analyze();
  }

  /**
   * Brings one projection to exactly `to`, on `client` inside the caller's transaction (swap, verify):
   * the caller's connection gets the build schema as its search_path for the transaction.
   */
  async topUp(client: PoolClient, projection: Projection, to: number): Promise<void> {
    const saved = await client.query<{ path: string }>(`SELECT current_setting('search_path') AS path`);
    await client.query(`SELECT set_config('search_path', $1, true)`, [quoteIdent(this.schema)]);
    try {
      while (this.position(projection.name) < to) {
        const batch = await this.options.eventStore.readAll({
          after: this.position(projection.name),
          maxCount: this.batchSize,
          types: [...projection.eventTypes],
        });
        const scanned = Math.min(to, Math.max(batch.lastPosition, batch.scannedPosition ?? batch.lastPosition));
        if (scanned <= this.position(projection.name)) break;
        await this.applyTo(
          client,
          projection,
          batch.events.filter((e) => e.globalPosition <= to),
          scanned,
        );
        if (batch.isEnd) break;
      }
    } finally {
      await client.query(`SELECT set_config('search_path', $1, true)`, [saved.rows[0].path]);
    }
  }

  /** Drops the schema and whatever is still in it. */
  async drop(): Promise<void> {
    await this.options.pool.query(`DROP SCHEMA IF EXISTS ${quoteIdent(this.schema)} CASCADE`);
  }

  /** Returns the build's connection (its search_path was changed: it is closed, not pooled). */
  release(): void {
    this.client.release(true);
  }

  private get batchSize(): number {
    return this.options.batchSize ?? 1000;
  }

  /**
   * One batch: every lane takes the next projection still to do (those with the most events of the batch
   * first, so that the longest one starts at once) and applies it in its transaction; each lane commits when
   * none is left. Then statistics, if the tables have grown tenfold.
   */
  private async applyBatch(lanes: PoolClient[], events: RecordedEvent[], to: number): Promise<void> {
    const count = (p: Projection): number => events.filter((e) => p.eventTypes.includes(e.type)).length;
    const todo = this.options.projections
      .map((projection) => ({ projection, n: count(projection) }))
      .sort((a, b) => b.n - a.n);
    const failures: unknown[] = [];
    await Promise.all(
      lanes.map(async (lane) => {
        let open = false;
        try {
          for (let item = todo.shift(); item && failures.length === 0; item = todo.shift()) {
            if (!open && item.n > 0) {
              await lane.query('BEGIN');
              open = true;
            }
            await this.applyTo(lane, item.projection, events, to);
          }
          if (open && failures.length === 0) await lane.query('COMMIT');
          else if (open) await lane.query('ROLLBACK');
        } catch (error) {
          failures.push(error);
          if (open) await lane.query('ROLLBACK').catch(() => undefined);
        }
      }),
    );
    if (failures.length > 0) throw failures[0];
    // Fresh tables have no statistics, and without them the projections' lookups (rm_software by order_id)
    // are planned as sequential scans of tables that keep growing. The sampled statistics scale with a
    // table's size, so a few ANALYZEs on the way (after the first rows, then at ×10 steps) keep plans right.
    if (this.events >= this.analyzeAt) {
      await this.analyze();
      this.analyzeAt = this.events * 10;
    }
  }

  private async analyze(): Promise<void> {
    const tables = [...this.tables.values()].flat();
    if (tables.length === 0) return;
    await this.client.query(`ANALYZE ${tables.map((t) => `${quoteIdent(this.schema)}.${quoteIdent(t)}`).join(', ')}`);
  }

  private async applyTo(client: PoolClient, projection: Projection, events: RecordedEvent[], to: number) {
    const from = this.position(projection.name);
    if (to <= from) return;
    const types = new Set(projection.eventTypes);
    const relevant = events.filter((e) => e.globalPosition > from && e.globalPosition <= to && types.has(e.type));
    if (relevant.length > 0) {
      await projection.apply(client, relevant);
      this.lastEvents.set(projection.name, relevant[relevant.length - 1].globalPosition);
    }
    this.events += relevant.length;
    this.positions.set(projection.name, to);
  }

  private async listTables(): Promise<string[]> {
    const result = await this.client.query<{ name: string }>(
      `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') ORDER BY 1`,
      [this.schema],
    );
    return result.rows.map((r) => r.name);
  }
}

/** Session settings of every connection that writes a build's tables. */
async function prepareSession(client: PoolClient, schema: string): Promise<void> {
  // Only the build schema: a projection that reached for another projection's tables would fail loudly.
  await client.query(`SET search_path TO ${quoteIdent(schema)}`);
  // Never appends: named so, the event store's gap-safe horizon does not hold back the followers' reads
  // (live runners, reactors) while one of the build's batches is open.
  await client.query(`SET application_name = '${PROJECTION_SESSION}'`);
  // A build that dies is dropped and started afresh, never resumed, so its batches need not wait for the
  // WAL flush; the swap commits on another connection, durably, and that flush covers the build's WAL too.
  await client.query(`SET synchronous_commit = off`);
  // Sorts the indexes that finish() creates in memory rather than in temporary files.
  await client.query(`SET maintenance_work_mem = '256MB'`);
}

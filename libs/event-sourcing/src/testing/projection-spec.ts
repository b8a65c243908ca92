/**
 * given(events).then(rows) for projections, on real PostgreSQL, usable with jest (its hooks and `expect` are
 * global). Each suite gets a database of its own (the factory the suite passes, dropped at the end).
 *
 *   const spec = projectionSpec(customersProjection, { database: () => createTestDatabase('csp_rm_customers') });
 *   it('...', () => spec.given([registered]).then({ rm_customers: [{ id, company_name: 'Contoso', ... }] }));
 *   it('...', () => spec.given([placed]).when([cancelled]).thenMatches(async (pool) => { ... }));
 *   it('...', () => spec.given([placed]).when([bad]).thenThrows('unknown line'));
 *
 * Every `then` holds whatever the delivery: the events as one batch (given, then when), one by one, and
 * redelivered (each batch twice, all at once, then one by one backwards), as the runner, a replay and a
 * crash-recovery may deliver them; and every delivery leaves the same rows in every table of the projection
 * (a batch gives the rows of its events one by one). A failure names the delivery.
 */
import { randomUUID } from 'node:crypto';
import type { DomainEvent, RecordedEvent } from '@csp/event-store';
import type { Projection } from '../projections/projection';
import { Pool, types as pgTypes } from 'pg';

export interface SpecDatabase {
  url: string;
  drop(): Promise<void>;
}

export interface ProjectionSpecOptions {
  /** Creates the suite's database (e.g. test/support/database.ts' createTestDatabase). */
  database: () => Promise<SpecDatabase>;
}

/** A recorded event as is, or a domain event that the spec records (positions after the earlier ones). */
export type SpecEvent = RecordedEvent | DomainEvent;

/** Rows per table as `SELECT *` gives them, ordered by the table's primary key; bigint as number, timestamptz as ISO text. */
export type TableRows = Record<string, Record<string, unknown>[]>;

/** What an error must be: its message (part or pattern) or its class. */
export type ExpectedError = string | RegExp | (new (...args: never[]) => Error);

export interface ProjectionSpecThen {
  /** Each named table holds exactly these rows, whatever the delivery. */
  then(expected: TableRows): Promise<void>;
  /** Runs the assertion (queries over the pool) after each delivery. */
  thenMatches(assert: (pool: Pool) => unknown): Promise<void>;
  /** Applying the `when` batch (or the given one, without `when`) fails so, and leaves the rows as they were. */
  thenThrows(expected?: ExpectedError): Promise<void>;
}

export interface ProjectionSpecGiven extends ProjectionSpecThen {
  when(events: readonly SpecEvent[]): ProjectionSpecThen;
}

export interface ProjectionSpec {
  given(events: readonly SpecEvent[]): ProjectionSpecGiven;
  /** The suite's pool (after its beforeAll). */
  readonly pool: Pool;
  /** The projection's tables (after its beforeAll). */
  readonly tables: readonly string[];
}

type Delivery = { name: string; batches: (given: RecordedEvent[], when: RecordedEvent[]) => RecordedEvent[][] };

const DELIVERIES: Delivery[] = [
  { name: 'as one batch', batches: (given, when) => [given, when] },
  { name: 'one by one', batches: (given, when) => [...given, ...when].map((e) => [e]) },
  {
    name: 'redelivered',
    batches: (given, when) => [
      given,
      given,
      when,
      when,
      [...given, ...when],
      ...[...given, ...when].reverse().map((e) => [e]),
    ],
  },
];

const INT8 = 20;
const TIMESTAMPTZ = 1184;
const parseTimestamptz = pgTypes.getTypeParser(TIMESTAMPTZ);
/** Row values as events spell them: bigint as number, timestamptz as ISO text. */
const ROW_TYPES = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (oid === INT8) return (value: string) => Number(value);
    if (oid === TIMESTAMPTZ) return (value: string) => (parseTimestamptz(value) as Date).toISOString();
    return pgTypes.getTypeParser(oid, format);
  }) as typeof pgTypes.getTypeParser,
};

/** The projection's tables, each with its primary key's columns in key order. */
const TABLES = `SELECT c.relname AS t,
    (SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY k.i)
       FROM pg_index x CROSS JOIN unnest(x.indkey) WITH ORDINALITY AS k(attnum, i)
       JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = k.attnum
      WHERE x.indrelid = c.oid AND x.indisprimary) AS key
  FROM pg_class c WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind = 'r' ORDER BY 1`;

const isRecorded = (event: SpecEvent): event is RecordedEvent => 'globalPosition' in event;

/** Domain events as recorded ones, positions from `after + 1` on (recorded events pass as they are). */
function record(events: readonly SpecEvent[], after: number): RecordedEvent[] {
  let position = after;
  return events.map((event) => {
    if (isRecorded(event)) return event;
    position += 1;
    return {
      eventId: randomUUID(),
      streamId: `spec-${position}`,
      streamPosition: 1,
      globalPosition: position,
      type: event.type,
      data: event.data,
      metadata: {},
      recordedAt: new Date(),
    };
  });
}

const lastPosition = (events: readonly RecordedEvent[]): number =>
  events.reduce((max, e) => Math.max(max, e.globalPosition), 0);

export function projectionSpec(projection: Projection, options: ProjectionSpecOptions): ProjectionSpec {
  let database: SpecDatabase | undefined;
  let pool: Pool | undefined;
  let tables: string[] = [];
  /** Per table, its primary key's columns (the order of its rows), else the whole row's text. */
  let orderBy = new Map<string, string>();

  beforeAll(async () => {
    database = await options.database();
    pool = new Pool({ connectionString: database.url, max: 4 });
    // A dropped database's idle clients must not fail whichever test runs next.
    pool.on('error', () => undefined);
    const client = await pool.connect();
    try {
      await projection.migrate(client);
    } finally {
      client.release();
    }
    const listed = await pool.query<{ t: string; key: string | null }>(TABLES);
    tables = listed.rows.map((r) => r.t);
    orderBy = new Map(listed.rows.map((r) => [r.t, r.key ?? 't::text']));
  });
  afterAll(async () => {
    await pool?.end();
    await database?.drop();
  });

  const livePool = (): Pool => {
    if (!pool) throw new Error('projectionSpec: the pool exists from the suite’s beforeAll on');
    return pool;
  };

  /** What the runner does per batch, minus the checkpoint: its events of the projection's types, one transaction. */
  const apply = async (events: RecordedEvent[]): Promise<void> => {
    const mine = events.filter((e) => projection.eventTypes.includes(e.type));
    if (mine.length === 0) return;
    const client = await livePool().connect();
    try {
      await client.query('BEGIN');
      await projection.apply(client, mine);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    } finally {
      client.release();
    }
  };

  const reset = async (): Promise<void> => {
    if (tables.length > 0) await livePool().query(`TRUNCATE ${tables.map((t) => `"${t}"`).join(', ')}`);
  };

  const rowsOf = async (table: string): Promise<Record<string, unknown>[]> =>
    (await livePool().query({ text: `SELECT * FROM "${table}" t ORDER BY ${orderBy.get(table)}`, types: ROW_TYPES }))
      .rows;

  const dump = async (): Promise<TableRows> => {
    const out: TableRows = {};
    for (const table of tables) out[table] = await rowsOf(table);
    return out;
  };

  /**
   * Runs `check` after each delivery, and holds every delivery to the rows of the first (the events as one
   * batch); a failure says which delivery it was.
   */
  const everyDelivery = async (
    given: RecordedEvent[],
    when: RecordedEvent[],
    check: () => Promise<void>,
  ): Promise<void> => {
    let first: TableRows | undefined;
    for (const delivery of DELIVERIES) {
      try {
        await reset();
        for (const batch of delivery.batches(given, when)) await apply(batch);
        await check();
        const rows = await dump();
        if (first) expect(rows).toEqual(first);
        else first = rows;
      } catch (error) {
        if (error instanceof Error)
          error.message = `${projection.name}, events delivered ${delivery.name}:\n${error.message}`;
        throw error;
      }
    }
  };

  const thenOf = (given: RecordedEvent[], when: RecordedEvent[] | undefined): ProjectionSpecThen => ({
    then: (expected) =>
      everyDelivery(given, when ?? [], async () => {
        for (const table of Object.keys(expected)) {
          if (!tables.includes(table))
            throw new Error(`${projection.name} has no table ${table} (${tables.join(', ')})`);
          expect({ [table]: await rowsOf(table) }).toEqual({ [table]: expected[table] });
        }
      }),
    thenMatches: (assert) => everyDelivery(given, when ?? [], async () => void (await assert(livePool()))),
    async thenThrows(expected) {
      await reset();
      const failing = when ?? given;
      if (when) await apply(given);
      const before = await dump();
      const attempt = apply(failing);
      await (expected === undefined ? expect(attempt).rejects.toThrow() : expect(attempt).rejects.toThrow(expected));
      expect(await dump()).toEqual(before);
    },
  });

  return {
    get pool() {
      return livePool();
    },
    get tables() {
      return tables;
    },
    given(events) {
      const given = record(events, 0);
      return {
        ...thenOf(given, undefined),
        when: (more) => thenOf(given, record(more, lastPosition(given))),
      };
    },
  };
}

// The store's statements on its pool: named (prepared) per schema, driver errors turned into the store's.
import type { Pool, QueryResultRow } from 'pg';
import { toStoreError } from './postgres-errors';
import { lockKey } from './postgres-event-store.schema';

/** Turns a driver error into the store's errors (unavailable, …), naming the operation. */
async function storeErrors<T>(name: string, pending: Promise<T>): Promise<T> {
  try {
    return await pending;
  } catch (error) {
    throw toStoreError(error, name.replace('_', ' '));
  }
}

export class PostgresSession {
  /** Statement names are per schema, since a connection may serve several stores. */
  private readonly statementPrefix: string;

  constructor(
    readonly pool: Pool,
    schema: string,
  ) {
    this.statementPrefix = `es_${(lockKey(schema) >>> 0).toString(36)}`;
  }

  /** A named (prepared) statement; names are per schema, since a connection may serve several stores. */
  statement(name: string, text: string, values: unknown[]) {
    return { name: `${this.statementPrefix}_${name}`, text, values };
  }

  /** The raw driver call: the caller maps its errors (appends tell constraint violations apart first). */
  query<R extends QueryResultRow>(name: string, text: string, values: unknown[]) {
    return this.pool.query<R>(this.statement(name, text, values));
  }

  run<R extends QueryResultRow>(name: string, text: string, values: unknown[]) {
    return storeErrors(name, this.query<R>(name, text, values));
  }

  /** Rows as arrays: no object with named fields per row. */
  runArrays<R extends unknown[]>(name: string, text: string, values: unknown[]) {
    return storeErrors(name, this.pool.query<R>({ ...this.statement(name, text, values), rowMode: 'array' }));
  }
}

import type { Pool } from 'pg';

export interface IdempotencyKey {
  tenantId: string;
  userId: string;
  /** The caller's MS-RequestId (GUID). */
  requestId: string;
  /**
   * METHOD + route pattern, e.g. `POST /v1/customers/:customerId/orders`. Not part of the identity: one request
   * id names one command of its caller, so the same id on another route is a reuse (`mismatch`).
   */
  operation: string;
}

/** The first request seen with a key: what a `mismatch` names. */
export interface FirstUse {
  operation: string;
  at: Date;
}

export interface StoredResponse {
  status: number;
  body: unknown;
  headers: Record<string, string>;
}

export type BeginResult =
  | { outcome: 'started' }
  | { outcome: 'replay'; response: StoredResponse }
  | { outcome: 'in_progress' }
  | { outcome: 'mismatch'; firstUse: FirstUse };

export interface IdempotencyStoreOptions {
  table?: string;
  /** An in-progress row older than this is taken to be from a crashed process and may be taken over. */
  staleAfterMs?: number;
}

/**
 * First-response store for retried commands, on PostgreSQL. `begin` claims the key with an
 * 'in_progress' row (INSERT … ON CONFLICT DO NOTHING, so exactly one caller wins), `complete` stores the
 * response, `abandon` frees the key after a failure so a retry runs again.
 */
export class IdempotencyStore {
  private readonly table: string;
  private readonly staleAfterMs: number;

  constructor(
    private readonly pool: Pool,
    options: IdempotencyStoreOptions = {},
  ) {
    this.table = options.table ?? 'idempotency_records';
    if (!/^[a-z_][a-z0-9_]*$/.test(this.table)) throw new Error(`invalid table name ${this.table}`);
    this.staleAfterMs = options.staleAfterMs ?? 60_000;
  }

  /** Idempotent; safe to run from several processes at once. */
  async migrate(): Promise<void> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      // Concurrent CREATE TABLE IF NOT EXISTS can still collide in the catalog: serialise it.
      await client.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`migrate:${this.table}`]);
      await client.query(`
        CREATE TABLE IF NOT EXISTS ${this.table} (
          tenant_id        text        NOT NULL,
          user_id          text        NOT NULL,
          request_id       uuid        NOT NULL,
          operation        text        NOT NULL,
          body_hash        text        NOT NULL,
          state            text        NOT NULL CHECK (state IN ('in_progress', 'completed')),
          response_status  integer,
          response_body    json,
          response_headers jsonb,
          created_at       timestamptz NOT NULL DEFAULT now(),
          completed_at     timestamptz,
          PRIMARY KEY (tenant_id, user_id, request_id, operation)
        )`);
      await client.query(`CREATE INDEX IF NOT EXISTS ${this.table}_created_at_idx ON ${this.table} (created_at)`);
      // One row per caller and request id, whatever the route (tables from before kept one per route: the
      // oldest use of each id stays).
      const exists = await client.query(`SELECT 1 FROM pg_indexes WHERE indexname = $1`, [`${this.table}_caller_key`]);
      if (exists.rowCount === 0) {
        await client.query(`
          DELETE FROM ${this.table} a USING ${this.table} b
           WHERE a.tenant_id = b.tenant_id AND a.user_id = b.user_id AND a.request_id = b.request_id
             AND (a.created_at, a.operation) > (b.created_at, b.operation)`);
        await client.query(
          `CREATE UNIQUE INDEX ${this.table}_caller_key ON ${this.table} (tenant_id, user_id, request_id)`,
        );
      }
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  async begin(key: IdempotencyKey, bodyHash: string): Promise<BeginResult> {
    const params = [key.tenantId, key.userId, key.requestId, key.operation, bodyHash];
    const inserted = await this.pool.query(
      `INSERT INTO ${this.table} (tenant_id, user_id, request_id, operation, body_hash, state)
       VALUES ($1, $2, $3, $4, $5, 'in_progress')
       ON CONFLICT DO NOTHING`,
      params,
    );
    if (inserted.rowCount === 1) return { outcome: 'started' };

    const { rows } = await this.pool.query<{
      operation: string;
      body_hash: string;
      state: string;
      response_status: number | null;
      response_body: unknown;
      response_headers: Record<string, string> | null;
      created_at: Date;
      stale: boolean;
    }>(
      `SELECT operation, body_hash, state, response_status, response_body, response_headers, created_at,
              created_at < now() - make_interval(secs => $4::double precision / 1000) AS stale
         FROM ${this.table}
        WHERE tenant_id = $1 AND user_id = $2 AND request_id = $3`,
      [key.tenantId, key.userId, key.requestId, this.staleAfterMs],
    );
    const row = rows[0];
    // Deleted by an abandon between our two statements: try once more.
    if (!row) return this.begin(key, bodyHash);
    if (row.operation !== key.operation || row.body_hash !== bodyHash)
      return { outcome: 'mismatch', firstUse: { operation: row.operation, at: row.created_at } };
    if (row.state === 'completed') {
      return {
        outcome: 'replay',
        response: { status: row.response_status ?? 200, body: row.response_body, headers: row.response_headers ?? {} },
      };
    }
    if (row.stale) {
      // The first attempt's process died mid-request: let this one take over (one winner via the WHERE).
      const taken = await this.pool.query(
        `UPDATE ${this.table} SET created_at = now()
          WHERE tenant_id = $1 AND user_id = $2 AND request_id = $3 AND operation = $4
            AND state = 'in_progress' AND created_at < now() - make_interval(secs => $5::double precision / 1000)`,
        [key.tenantId, key.userId, key.requestId, key.operation, this.staleAfterMs],
      );
      if (taken.rowCount === 1) return { outcome: 'started' };
    }
    return { outcome: 'in_progress' };
  }

  async complete(key: IdempotencyKey, response: StoredResponse): Promise<void> {
    await this.pool.query(
      `UPDATE ${this.table}
          SET state = 'completed', response_status = $5, response_body = $6::json, response_headers = $7::jsonb, completed_at = now()
        WHERE tenant_id = $1 AND user_id = $2 AND request_id = $3 AND operation = $4`,
      [
        key.tenantId,
        key.userId,
        key.requestId,
        key.operation,
        response.status,
        JSON.stringify(response.body ?? null),
        JSON.stringify(response.headers),
      ],
    );
  }

  async abandon(key: IdempotencyKey): Promise<void> {
    await this.pool.query(
      `DELETE FROM ${this.table}
        WHERE tenant_id = $1 AND user_id = $2 AND request_id = $3 AND operation = $4 AND state = 'in_progress'`,
      [key.tenantId, key.userId, key.requestId, key.operation],
    );
  }

  /**
   * Retention: forgets every record created more than `olderThanHours` ago (by the database's clock, which
   * also stamped created_at), so a retry after that is a new request. Deletes `batchSize` rows per
   * statement along the created_at index, so a large backlog never holds one long lock; SKIP LOCKED lets
   * two purgers share the work. Returns how many rows went.
   */
  async purgeOlderThan(
    olderThanHours: number,
    options: { batchSize?: number; maxBatches?: number } = {},
  ): Promise<number> {
    const batchSize = options.batchSize ?? 1000;
    const maxBatches = options.maxBatches ?? 1000;
    let total = 0;
    for (let batch = 0; batch < maxBatches; batch++) {
      const result = await this.pool.query(
        `DELETE FROM ${this.table}
          WHERE ctid = ANY(ARRAY(
            SELECT ctid FROM ${this.table}
             WHERE created_at < now() - make_interval(hours => $1::int)
             ORDER BY created_at
             LIMIT $2
               FOR UPDATE SKIP LOCKED))`,
        [olderThanHours, batchSize],
      );
      const deleted = result.rowCount ?? 0;
      total += deleted;
      if (deleted < batchSize) break;
    }
    return total;
  }
}

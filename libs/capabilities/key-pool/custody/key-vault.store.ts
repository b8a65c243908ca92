import type { Pool, PoolClient } from 'pg';
import { inTransaction, migrateUnderLock } from '@csp/event-sourcing';
import type { SealedKey } from './key-envelope';

/**
 * The vault: one row per imported key, ciphertext only (see key-envelope). A row is `staged` until its import's
 * KeysImported events exist, then `available`, `assigned` to exactly one order line + version, or `revoked`.
 * Uniqueness does the custody work: a fingerprint once per partner, a line + version at most one key.
 */
export interface VaultRow {
  id: string;
  partnerTenantId: string;
  offerId: string;
  version: string;
  fingerprint: string;
  sealed: SealedKey;
  status: 'staged' | 'available' | 'assigned' | 'revoked' | 'quarantined';
  orderId: string | null;
  lineItemNumber: number | null;
  activations: number | null;
  assignmentRecorded: boolean;
  revocationRecorded: boolean;
}

export interface StagedKey {
  id: string;
  offerId: string;
  version: string;
  fingerprint: string;
  sealed: SealedKey;
}

export interface StockRow {
  offerId: string;
  version: string;
  available: number;
  assigned: number;
  revoked: number;
  quarantined: number;
}

const COLUMNS = `id, partner_tenant_id, offer_id, version, fingerprint, kek_id, wrapped_dek, ciphertext, status, order_id,
  line_item_number, activations, assignment_recorded, revocation_recorded`;
const INSERT_BATCH = 5_000;

type Row = Record<string, unknown>;
const toRow = (r: Row): VaultRow => ({
  id: r.id as string,
  partnerTenantId: r.partner_tenant_id as string,
  offerId: r.offer_id as string,
  version: r.version as string,
  fingerprint: r.fingerprint as string,
  sealed: { kekId: r.kek_id as string, wrappedDek: r.wrapped_dek as Buffer, ciphertext: r.ciphertext as Buffer },
  status: r.status as VaultRow['status'],
  orderId: (r.order_id as string | null) ?? null,
  lineItemNumber: (r.line_item_number as number | null) ?? null,
  activations: (r.activations as number | null) ?? null,
  assignmentRecorded: r.assignment_recorded as boolean,
  revocationRecorded: r.revocation_recorded as boolean,
});

export class KeyVaultStore {
  constructor(private readonly pool: Pool) {}

  /** Idempotent, safe from several processes at once (advisory lock). */
  migrate(): Promise<void> {
    return migrateUnderLock(this.pool, 'key_pool.migrate', [
      `
        CREATE TABLE IF NOT EXISTS key_pool_keys (
          id uuid PRIMARY KEY,
          seq bigserial NOT NULL,
          partner_tenant_id text NOT NULL,
          offer_id text NOT NULL,
          version text NOT NULL,
          fingerprint text NOT NULL,
          kek_id text NOT NULL,
          wrapped_dek bytea NOT NULL,
          ciphertext bytea NOT NULL,
          import_id uuid NOT NULL,
          status text NOT NULL CHECK (status IN ('staged', 'available', 'assigned', 'revoked', 'quarantined')),
          order_id text,
          line_item_number integer,
          activations integer,
          assignment_recorded boolean NOT NULL DEFAULT false,
          revocation_recorded boolean NOT NULL DEFAULT false,
          imported_at timestamptz NOT NULL DEFAULT now(),
          assigned_at timestamptz,
          revoked_at timestamptz,
          UNIQUE (partner_tenant_id, fingerprint),
          CHECK ((status IN ('assigned', 'revoked')) = (order_id IS NOT NULL))
        )`,
      // A line + version holds at most one key: racing first reveals of one line cannot take two.
      `CREATE UNIQUE INDEX IF NOT EXISTS key_pool_keys_line
        ON key_pool_keys (order_id, line_item_number, version) WHERE order_id IS NOT NULL`,
      `CREATE INDEX IF NOT EXISTS key_pool_keys_available
        ON key_pool_keys (partner_tenant_id, offer_id, version, seq) WHERE status = 'available'`,
      'CREATE INDEX IF NOT EXISTS key_pool_keys_import ON key_pool_keys (import_id)',
      'CREATE INDEX IF NOT EXISTS key_pool_keys_kek ON key_pool_keys (kek_id, id)',
      `
        CREATE TABLE IF NOT EXISTS key_pool_imports (
          import_id uuid PRIMARY KEY,
          partner_tenant_id text NOT NULL,
          count integer NOT NULL,
          status text NOT NULL CHECK (status IN ('staged', 'committed')),
          created_at timestamptz NOT NULL DEFAULT now()
        )`,
      `
        CREATE TABLE IF NOT EXISTS key_pool_watermarks (
          partner_tenant_id text NOT NULL,
          offer_id text NOT NULL,
          version text NOT NULL,
          low_watermark integer NOT NULL,
          PRIMARY KEY (partner_tenant_id, offer_id, version)
        )`,
    ]);
  }

  /** Which of these fingerprints the partner's vault already holds (staged ones included). */
  async existingFingerprints(partnerTenantId: string, fingerprints: readonly string[]): Promise<Set<string>> {
    const { rows } = await this.pool.query<{ fingerprint: string }>(
      'SELECT fingerprint FROM key_pool_keys WHERE partner_tenant_id = $1 AND fingerprint = ANY($2::text[])',
      [partnerTenantId, fingerprints],
    );
    return new Set(rows.map((r) => r.fingerprint));
  }

  /**
   * Stages an import's rows in one transaction (all or none), invisible to stock and claims. A concurrent import
   * of the same key makes the unique constraint refuse the whole batch (23505).
   */
  async stage(
    client: PoolClient,
    importId: string,
    partnerTenantId: string,
    keys: readonly StagedKey[],
  ): Promise<void> {
    await client.query('BEGIN');
    try {
      await client.query(
        "INSERT INTO key_pool_imports (import_id, partner_tenant_id, count, status) VALUES ($1, $2, $3, 'staged')",
        [importId, partnerTenantId, keys.length],
      );
      for (let i = 0; i < keys.length; i += INSERT_BATCH) {
        const batch = keys.slice(i, i + INSERT_BATCH);
        await client.query(
          `INSERT INTO key_pool_keys (id, partner_tenant_id, offer_id, version, fingerprint, kek_id, wrapped_dek,
             ciphertext, import_id, status)
           SELECT id, $1, offer_id, version, fingerprint, kek_id, wrapped_dek, ciphertext, $2, 'staged'
           FROM unnest($3::uuid[], $4::text[], $5::text[], $6::text[], $7::text[], $8::bytea[], $9::bytea[])
             AS t(id, offer_id, version, fingerprint, kek_id, wrapped_dek, ciphertext)
`,
          [
            partnerTenantId,
            importId,
            batch.map((k) => k.id),
            batch.map((k) => k.offerId),
            batch.map((k) => k.version),
            batch.map((k) => k.fingerprint),
            batch.map((k) => k.sealed.kekId),
            batch.map((k) => k.sealed.wrappedDek),
            batch.map((k) => k.sealed.ciphertext),
          ],
        );
      }
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
  }

  /** The import's events exist: its rows become stock. Idempotent. */
  async commit(importId: string): Promise<void> {
    await inTransaction(this.pool, async (c) => {
      await c.query("UPDATE key_pool_keys SET status = 'available' WHERE import_id = $1 AND status = 'staged'", [
        importId,
      ]);
      await c.query("UPDATE key_pool_imports SET status = 'committed' WHERE import_id = $1", [importId]);
    });
  }

  /** The import never got its events (its process died first): its rows never were stock. */
  async discard(importId: string): Promise<void> {
    await inTransaction(this.pool, async (c) => {
      await c.query("DELETE FROM key_pool_keys WHERE import_id = $1 AND status = 'staged'", [importId]);
      await c.query("DELETE FROM key_pool_imports WHERE import_id = $1 AND status = 'staged'", [importId]);
    });
  }

  async stagedImports(): Promise<string[]> {
    const { rows } = await this.pool.query<{ import_id: string }>(
      "SELECT import_id FROM key_pool_imports WHERE status = 'staged' ORDER BY created_at",
    );
    return rows.map((r) => r.import_id);
  }

  /**
   * The line's key: the one it already holds, else the oldest available one of its partner, offer and version,
   * taken atomically (FOR UPDATE SKIP LOCKED: racers for different lines take different rows and never wait on
   * each other). Racers for one line are serialised by a transaction lock on the line, so they never hold a
   * second row even for a moment, and the unique index is the backstop. Null only when no row is left: a row
   * skipped because another claim held it is looked at again once that claim has ended.
   */
  async claim(req: {
    partnerTenantId: string;
    offerId: string;
    version: string;
    orderId: string;
    lineItemNumber: number;
    activations: number;
  }): Promise<VaultRow | null> {
    const held = await this.assignedTo(req.orderId, req.lineItemNumber, req.version);
    if (held) return held;
    for (let attempt = 1; ; attempt++) {
      const taken = await inTransaction(this.pool, async (c) => {
        await c.query('SELECT pg_advisory_xact_lock(hashtext($1))', [
          `keypool-line:${req.orderId}:${req.lineItemNumber}:${req.version}`,
        ]);
        const again = await this.assignedTo(req.orderId, req.lineItemNumber, req.version, c);
        if (again) return again;
        const { rows } = await c.query<Row>(
          `UPDATE key_pool_keys
             SET status = 'assigned', order_id = $4, line_item_number = $5, activations = $6, assigned_at = now()
           WHERE id = (
             SELECT id FROM key_pool_keys
             WHERE partner_tenant_id = $1 AND offer_id = $2 AND version = $3 AND status = 'available'
             ORDER BY seq FOR UPDATE SKIP LOCKED LIMIT 1)
           RETURNING ${COLUMNS}`,
          [req.partnerTenantId, req.offerId, req.version, req.orderId, req.lineItemNumber, req.activations],
        );
        return rows[0] ? toRow(rows[0]) : null;
      });
      if (taken) return taken;
      // Rows still visible as available were skipped while another claim held them: look again after it ends.
      const { rows } = await this.pool.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM key_pool_keys
         WHERE partner_tenant_id = $1 AND offer_id = $2 AND version = $3 AND status = 'available'`,
        [req.partnerTenantId, req.offerId, req.version],
      );
      if ((rows[0]?.n ?? 0) === 0 || attempt >= 50) return null;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 3 * Math.min(attempt, 10)));
    }
  }

  async assignedTo(
    orderId: string,
    lineItemNumber: number,
    version: string,
    client: Pick<Pool, 'query'> = this.pool,
  ): Promise<VaultRow | null> {
    const { rows } = await client.query<Row>(
      `SELECT ${COLUMNS} FROM key_pool_keys WHERE order_id = $1 AND line_item_number = $2 AND version = $3`,
      [orderId, lineItemNumber, version],
    );
    return rows[0] ? toRow(rows[0]) : null;
  }

  /**
   * A record that failed its integrity check when first taken: out of stock for good (never served, never
   * assigned), kept for the investigation. A record already recorded as assigned stays with its line.
   */
  async quarantine(id: string): Promise<void> {
    await this.pool.query(
      `UPDATE key_pool_keys SET status = 'quarantined', order_id = NULL, line_item_number = NULL, activations = NULL
       WHERE id = $1 AND assignment_recorded = false AND status = 'assigned'`,
      [id],
    );
  }

  async markAssignmentRecorded(id: string): Promise<void> {
    await this.pool.query('UPDATE key_pool_keys SET assignment_recorded = true WHERE id = $1', [id]);
  }

  /** Burns the lines' keys (never back to stock) and returns every row of those lines, for their events. */
  async revokeLines(orderId: string, lineItemNumbers: readonly number[]): Promise<VaultRow[]> {
    const { rows } = await this.pool.query<Row>(
      `UPDATE key_pool_keys SET status = 'revoked', revoked_at = coalesce(revoked_at, now())
       WHERE order_id = $1 AND line_item_number = ANY($2::int[])
       RETURNING ${COLUMNS}`,
      [orderId, lineItemNumbers],
    );
    return rows.map(toRow);
  }

  async markRevocationRecorded(id: string): Promise<void> {
    await this.pool.query(
      'UPDATE key_pool_keys SET revocation_recorded = true, assignment_recorded = true WHERE id = $1',
      [id],
    );
  }

  /** Counts per offer and version; staged rows are not stock yet. */
  async stock(partnerTenantId: string, only?: { offerId: string; version: string }): Promise<StockRow[]> {
    const { rows } = await this.pool.query<Row>(
      `SELECT offer_id, version,
         count(*) FILTER (WHERE status = 'available')::int AS available,
         count(*) FILTER (WHERE status = 'assigned')::int AS assigned,
         count(*) FILTER (WHERE status = 'revoked')::int AS revoked,
         count(*) FILTER (WHERE status = 'quarantined')::int AS quarantined
       FROM key_pool_keys
       WHERE partner_tenant_id = $1 AND status <> 'staged'
         AND ($2::text IS NULL OR (offer_id = $2 AND version = $3))
       GROUP BY offer_id, version ORDER BY offer_id, version DESC`,
      [partnerTenantId, only?.offerId ?? null, only?.version ?? null],
    );
    return rows.map((r) => ({
      offerId: r.offer_id as string,
      version: r.version as string,
      available: r.available as number,
      assigned: r.assigned as number,
      revoked: r.revoked as number,
      quarantined: r.quarantined as number,
    }));
  }

  async watermarks(partnerTenantId: string): Promise<Map<string, number>> {
    const { rows } = await this.pool.query<Row>(
      'SELECT offer_id, version, low_watermark FROM key_pool_watermarks WHERE partner_tenant_id = $1',
      [partnerTenantId],
    );
    return new Map(rows.map((r) => [`${r.offer_id as string}|${r.version as string}`, r.low_watermark as number]));
  }

  async setWatermark(partnerTenantId: string, offerId: string, version: string, lowWatermark: number): Promise<void> {
    await this.pool.query(
      `INSERT INTO key_pool_watermarks (partner_tenant_id, offer_id, version, low_watermark) VALUES ($1, $2, $3, $4)
       ON CONFLICT (partner_tenant_id, offer_id, version) DO UPDATE SET low_watermark = excluded.low_watermark`,
      [partnerTenantId, offerId, version, lowWatermark],
    );
  }

  /** Rows not under `currentKid`, after `afterId` (resumable, in id order), for `keys rewrap`. */
  async rowsToRewrap(currentKid: string, afterId: string | null, limit: number): Promise<VaultRow[]> {
    const { rows } = await this.pool.query<Row>(
      `SELECT ${COLUMNS} FROM key_pool_keys WHERE kek_id <> $1 AND ($2::uuid IS NULL OR id > $2) ORDER BY id LIMIT $3`,
      [currentKid, afterId, limit],
    );
    return rows.map(toRow);
  }

  async countToRewrap(currentKid: string): Promise<number> {
    const { rows } = await this.pool.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM key_pool_keys WHERE kek_id <> $1',
      [currentKid],
    );
    return rows[0]?.n ?? 0;
  }

  async countUnder(kid: string): Promise<number> {
    const { rows } = await this.pool.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM key_pool_keys WHERE kek_id = $1',
      [kid],
    );
    return rows[0]?.n ?? 0;
  }

  /** Swaps a row's wrapped data key, only if it is still under the KEK it was read with (idempotent). */
  async rewrap(id: string, fromKid: string, sealed: SealedKey): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      'UPDATE key_pool_keys SET kek_id = $3, wrapped_dek = $4 WHERE id = $1 AND kek_id = $2',
      [id, fromKid, sealed.kekId, sealed.wrappedDek],
    );
    return (rowCount ?? 0) > 0;
  }

  /** Tests and audits: the raw row. */
  async row(id: string): Promise<VaultRow | null> {
    const { rows } = await this.pool.query<Row>(`SELECT ${COLUMNS} FROM key_pool_keys WHERE id = $1`, [id]);
    return rows[0] ? toRow(rows[0]) : null;
  }
}

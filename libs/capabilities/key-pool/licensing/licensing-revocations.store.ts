import type { Pool } from 'pg';
import { migrateUnderLock } from '@csp/event-sourcing';

export interface RevokedLine {
  orderId: string;
  lineItemNumber: number;
}

/**
 * The vendor-side list of revoked line items (`licensing_revocations`), kept by every licensing adapter (the key
 * pool's and the derived-MAK one) so that a revoked line is refused after a restart. The first revocation instant
 * wins: a retry never moves it.
 */
export class LicensingRevocations {
  constructor(private readonly pool: Pool) {}

  /** Idempotent and safe from several processes at once. */
  migrate(): Promise<void> {
    return migrateUnderLock(this.pool, 'licensing_revocations.migrate', [
      `CREATE TABLE IF NOT EXISTS licensing_revocations (
          order_id text NOT NULL,
          line_item_number integer NOT NULL,
          revoked_at timestamptz NOT NULL DEFAULT now(),
          PRIMARY KEY (order_id, line_item_number)
        )`,
    ]);
  }

  /** Records the lines as revoked at `at` (the database's clock when absent). */
  async record(orderId: string, lineItemNumbers: readonly number[], at: Date | undefined): Promise<void> {
    await this.pool.query(
      `INSERT INTO licensing_revocations (order_id, line_item_number, revoked_at)
       SELECT $1, n, coalesce($3::timestamptz, now()) FROM unnest($2::int[]) AS n
       ON CONFLICT (order_id, line_item_number) DO NOTHING`,
      [orderId, [...new Set(lineItemNumbers)], at?.toISOString() ?? null],
    );
  }

  async has({ orderId, lineItemNumber }: RevokedLine): Promise<boolean> {
    return (await this.revokedAt({ orderId, lineItemNumber })) !== null;
  }

  /** When the vendor revoked the line item, or null. */
  async revokedAt({ orderId, lineItemNumber }: RevokedLine): Promise<Date | null> {
    const { rows } = await this.pool.query<{ revoked_at: Date }>(
      'SELECT revoked_at FROM licensing_revocations WHERE order_id = $1 AND line_item_number = $2',
      [orderId, lineItemNumber],
    );
    return rows[0]?.revoked_at ?? null;
  }
}

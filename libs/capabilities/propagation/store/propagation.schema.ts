import type { Pool, PoolClient } from 'pg';
import { migrateUnderLock } from '@csp/event-sourcing';

/** Serialises the DDL across processes (CREATE … IF NOT EXISTS races otherwise). */
const MIGRATE_LOCK = 'propagation:migrate';

/**
 * The durable side of propagation, in the application database:
 * - cancellation_propagations: one row per OrderCancelled, written by the reactor with its checkpoint;
 *   the deadline lives here (and in the event), never only in the queue;
 * - invoice_credit_ledger: what finance invoices, one row per cancelled line, posted exactly once;
 * - revoked_download_links: the links each cancellation killed (the write side answers 410 for them);
 * - cancellation_window_warnings: the 72 h / 24 h reminders due per order, so a lost delayed job is found again.
 */
export const PROPAGATION_DDL = [
  `CREATE TABLE IF NOT EXISTS cancellation_propagations (
    cancellation_event_id text PRIMARY KEY,
    order_id text NOT NULL,
    stream_id text NOT NULL,
    customer_id text NOT NULL,
    cancelled_at timestamptz NOT NULL,
    propagation_deadline timestamptz NOT NULL,
    keys_revoked_at timestamptz,
    links_revoked_at timestamptz,
    credit_posted_at timestamptz,
    propagated_at timestamptz,
    overdue_at timestamptz,
    failures integer NOT NULL DEFAULT 0,
    last_error text,
    recorded_at timestamptz NOT NULL DEFAULT now()
  )`,
  `CREATE INDEX IF NOT EXISTS cancellation_propagations_pending
     ON cancellation_propagations (propagation_deadline) WHERE propagated_at IS NULL`,
  `CREATE INDEX IF NOT EXISTS cancellation_propagations_order ON cancellation_propagations (order_id)`,
  `CREATE TABLE IF NOT EXISTS invoice_credit_ledger (
    id text PRIMARY KEY,
    order_id text NOT NULL,
    line_item_number integer NOT NULL,
    customer_id text NOT NULL,
    partner_tenant_id text NOT NULL,
    offer_id text NOT NULL,
    kind text NOT NULL,
    period char(7) NOT NULL,
    amount_minor bigint NOT NULL,
    currency_code char(3) NOT NULL,
    basis text NOT NULL,
    tax_inclusive boolean NOT NULL,
    cancelled_at timestamptz NOT NULL,
    posted_at timestamptz NOT NULL,
    cancellation_event_id text NOT NULL,
    CONSTRAINT invoice_credit_ledger_once UNIQUE (order_id, line_item_number)
  )`,
  `CREATE INDEX IF NOT EXISTS invoice_credit_ledger_period ON invoice_credit_ledger (period, customer_id)`,
  `CREATE TABLE IF NOT EXISTS revoked_download_links (
    link_id text PRIMARY KEY,
    order_id text NOT NULL,
    line_item_number integer NOT NULL,
    revoked_at timestamptz NOT NULL,
    cancellation_event_id text NOT NULL
  )`,
  `CREATE TABLE IF NOT EXISTS cancellation_window_warnings (
    order_id text NOT NULL,
    window_ends_at timestamptz NOT NULL,
    hours_before integer NOT NULL,
    due_at timestamptz NOT NULL,
    outcome text,
    done_at timestamptz,
    PRIMARY KEY (order_id, window_ends_at, hours_before)
  )`,
  `CREATE INDEX IF NOT EXISTS cancellation_window_warnings_due
     ON cancellation_window_warnings (due_at) WHERE outcome IS NULL`,
];

/** Creates the tables on a client already inside a transaction (the reactor's migration). */
export async function migratePropagationTables(client: PoolClient): Promise<void> {
  await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [MIGRATE_LOCK]);
  for (const ddl of PROPAGATION_DDL) await client.query(ddl);
}

/** Creates the tables in their own transaction; idempotent, safe from several processes at once. */
export function migratePropagation(pool: Pool): Promise<void> {
  return migrateUnderLock(pool, MIGRATE_LOCK, PROPAGATION_DDL);
}

import {
  billingPeriodOf,
  openPeriodFor,
  type CancellationPropagated,
  type OrderCancelled,
  type StatementClosed,
} from '@csp/domain';
import { eventsProjection, migrateDdl } from '@csp/event-sourcing';
import type { RecordedEvent } from '@csp/event-store';
import type { PoolClient } from 'pg';
import { CREDIT_LEDGER_DDL, CREDIT_LEDGER_QUERY_INDEXES, CREDIT_LINE_JSON } from './credit-ledger.schema';

export type CreditChangeKind = 'created' | 'posted' | 'moved';

const LINE_COLUMNS = `id, partner_tenant_id, customer_id, order_id, line_item_number, offer_id, friendly_name, kind, basis,
  credit_minor, currency_code, tax_inclusive, cancelled_at, original_period, period, status, posted_at, statement_period`;

/**
 * The credit ledger, the read model of every credits read (GET /v1/credits, the change feed, the statements):
 * every credit line with the period it is invoiced in, a log of every change of a line (created, posted, moved
 * to the next open period) that the change feed pages through, and the closed statements. A cancelled line is a
 * pending credit of its cancellation's month, posted by the order's CancellationPropagated; a credit whose month
 * is closed goes to the next open month and keeps its own month as `originalPeriod`; closing a month moves the
 * lines it does not hold (not yet posted) the same way.
 * Events are applied one by one (credits are few), so any batch gives the rows that one by one gives.
 */
export const creditLedgerProjection = eventsProjection<OrderCancelled | CancellationPropagated | StatementClosed>({
  name: 'credit-ledger',
  version: 1,
  eventTypes: { OrderCancelled: true, CancellationPropagated: true, StatementClosed: true },
  migrate: (client, options) => migrateDdl(client, CREDIT_LEDGER_DDL, CREDIT_LEDGER_QUERY_INDEXES, options),
  async apply(client, events): Promise<void> {
    for (const event of events) {
      switch (event.type) {
        case 'OrderCancelled':
          await cancelled(client, event);
          break;
        case 'CancellationPropagated':
          await propagated(client, event);
          break;
        case 'StatementClosed':
          await closed(client, event);
          break;
      }
    }
  },
});

async function closedPeriods(client: PoolClient, partnerTenantId: string): Promise<Set<string>> {
  const r = await client.query<{ period: string }>(
    'SELECT period FROM rm_credit_statements WHERE partner_tenant_id = $1',
    [partnerTenantId],
  );
  return new Set(r.rows.map((row) => row.period));
}

/** Logs the changed rows (ids in order) as changes of this event; a redelivered event logs nothing twice. */
async function logChanges(
  client: PoolClient,
  event: RecordedEvent,
  ids: string[],
  change: CreditChangeKind,
  firstSeq: number,
): Promise<number> {
  if (ids.length === 0) return firstSeq;
  await client.query(
    `INSERT INTO rm_credit_changes (position, seq, partner_tenant_id, credit_id, change, recorded_at, line)
     SELECT $1, $2 + x.ord - 1, l.partner_tenant_id, l.id, $3, $4, ${CREDIT_LINE_JSON}
       FROM unnest($5::text[]) WITH ORDINALITY AS x(id, ord) JOIN rm_credit_ledger l ON l.id = x.id
     ON CONFLICT (position, seq) DO NOTHING`,
    [event.globalPosition, firstSeq, change, event.recordedAt, ids],
  );
  return firstSeq + ids.length;
}

async function cancelled(client: PoolClient, event: RecordedEvent<OrderCancelled>): Promise<void> {
  const d = event.data;
  const partner = d.partnerTenantId.toLowerCase();
  const original = billingPeriodOf(d.cancelledAt);
  const period = openPeriodFor(original, await closedPeriods(client, partner));
  const inserted = await client.query<{ id: string }>(
    `INSERT INTO rm_credit_ledger (${LINE_COLUMNS}, position)
     SELECT $1 || '_' || x.n, $2, $3, $1, x.n, x.offer, x.name, x.kind, x.basis, x.credit, $4, $5, $6, $7, $8,
            'pending', NULL, NULL, $9
       FROM unnest($10::integer[], $11::text[], $12::text[], $13::text[], $14::text[], $15::bigint[])
         AS x(n, offer, name, kind, basis, credit)
     ON CONFLICT (id) DO NOTHING RETURNING id`,
    [
      d.orderId,
      partner,
      d.customerId,
      d.currencyCode,
      d.taxInclusive,
      d.cancelledAt,
      original,
      period,
      event.globalPosition,
      d.lineItems.map((l) => l.lineItemNumber),
      d.lineItems.map((l) => l.offerId),
      d.lineItems.map((l) => l.friendlyName),
      d.lineItems.map((l) => l.kind),
      d.lineItems.map((l) => l.basis),
      d.lineItems.map((l) => l.credit),
    ],
  );
  await logChanges(client, event, inserted.rows.map((r) => r.id).sort(), 'created', 0);
}

async function propagated(client: PoolClient, event: RecordedEvent<CancellationPropagated>): Promise<void> {
  const d = event.data;
  // The lines cancelled up to this propagation's cancellation, created by an earlier event.
  const posted = await client.query<{ id: string }>(
    `UPDATE rm_credit_ledger SET status = 'posted', posted_at = $2, position = $3
      WHERE order_id = $1 AND status = 'pending' AND position < $3 AND ($4::timestamptz IS NULL OR cancelled_at <= $4)
      RETURNING id`,
    [
      d.orderId,
      d.creditPostedAt ?? d.propagatedAt ?? event.recordedAt.toISOString(),
      event.globalPosition,
      d.cancelledAt ?? null,
    ],
  );
  await logChanges(client, event, posted.rows.map((r) => r.id).sort(), 'posted', 0);
}

async function closed(client: PoolClient, event: RecordedEvent<StatementClosed>): Promise<void> {
  const d = event.data;
  const partner = d.partnerTenantId.toLowerCase();
  const totals = d.totals.map((t) => ({ currencyCode: t.currencyCode, amountMinor: t.amountMinor, count: t.count }));
  const inserted = await client.query(
    `INSERT INTO rm_credit_statements (partner_tenant_id, period, closed_at, sha256, totals, line_count, position)
     VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING`,
    [partner, d.period, d.closedAt, d.sha256, JSON.stringify(totals), d.lines.length, event.globalPosition],
  );
  if (inserted.rowCount === 0) return;
  const ids = d.lines.map((l) => l.id);
  await client.query(
    `UPDATE rm_credit_ledger SET statement_period = $2 WHERE partner_tenant_id = $1 AND id = ANY($3::text[])`,
    [partner, d.period, ids],
  );
  // What the statement does not hold goes to the next open month, and the feed says so.
  const next = openPeriodFor(d.period, await closedPeriods(client, partner));
  const moved = await client.query<{ id: string }>(
    `UPDATE rm_credit_ledger SET period = $3, position = $4
      WHERE partner_tenant_id = $1 AND period = $2 AND NOT (id = ANY($5::text[])) RETURNING id`,
    [partner, d.period, next, event.globalPosition, ids],
  );
  await logChanges(client, event, moved.rows.map((r) => r.id).sort(), 'moved', 0);
}

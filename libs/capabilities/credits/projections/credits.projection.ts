import { billingPeriodOf, type CancellationPropagated, type OrderCancelled, type StatementLine } from '@csp/domain';
import { columns, documentProjection, migrateDdl, type StoredDocument } from '@csp/event-sourcing';
import type { PoolClient } from 'pg';
import { CREDITS_DDL, CREDITS_QUERY_INDEXES } from './credits.schema';

export type CreditStatus = 'pending' | 'posted';

type CreditEvent = OrderCancelled | CancellationPropagated;
/** One credit line; `position` is the last event that changed it (a line is created, then posted). */
type CreditLine = Omit<StatementLine, 'postedAt' | 'originalPeriod'> & {
  partnerTenantId: string;
  period: string;
  status: CreditStatus;
  postedAt: string | null;
  position: number;
};
/** The document: an order's credit lines (the rows of one order_id). */
type OrderCredits = readonly CreditLine[];

const SELECT = `SELECT id, partner_tenant_id, customer_id, order_id, line_item_number, offer_id, friendly_name, kind, basis,
    credit_minor, currency_code, tax_inclusive, period, cancelled_at, status, posted_at, position
  FROM rm_credits WHERE order_id = ANY($1::text[])`;

// Every line of a changed order is sent; the position guard leaves the lines the batch did not change as they are.
const UPSERT = `INSERT INTO rm_credits AS c (id, partner_tenant_id, customer_id, order_id, line_item_number, offer_id,
    friendly_name, kind, basis, credit_minor, currency_code, tax_inclusive, period, cancelled_at, status, posted_at, position)
  SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::integer[], $6::text[], $7::text[], $8::text[],
                $9::text[], $10::bigint[], $11::text[], $12::boolean[], $13::text[], $14::timestamptz[], $15::text[],
                $16::timestamptz[], $17::bigint[])
  ON CONFLICT (id) DO UPDATE SET status = EXCLUDED.status, posted_at = EXCLUDED.posted_at, position = EXCLUDED.position
  WHERE c.position < EXCLUDED.position`;
const COLUMNS = [
  'id',
  'partnerTenantId',
  'customerId',
  'orderId',
  'lineItemNumber',
  'offerId',
  'friendlyName',
  'kind',
  'basis',
  'creditMinor',
  'currencyCode',
  'taxInclusive',
  'period',
  'cancelledAt',
  'status',
  'postedAt',
  'position',
] as const;

type StoredRow = {
  id: string;
  partner_tenant_id: string;
  customer_id: string;
  order_id: string;
  line_item_number: number;
  offer_id: string;
  friendly_name: string;
  kind: string;
  basis: string;
  credit_minor: string;
  currency_code: string;
  tax_inclusive: boolean;
  period: string;
  cancelled_at: Date;
  status: CreditStatus;
  posted_at: Date | null;
  position: string;
};

async function load(client: PoolClient, orderIds: readonly string[]): Promise<StoredDocument<OrderCredits>[]> {
  const stored = await client.query<StoredRow>(SELECT, [orderIds]);
  const orders = new Map<string, StoredDocument<CreditLine[]>>();
  for (const r of stored.rows) {
    const line: CreditLine = {
      id: r.id,
      partnerTenantId: r.partner_tenant_id,
      customerId: r.customer_id,
      orderId: r.order_id,
      lineItemNumber: r.line_item_number,
      offerId: r.offer_id,
      friendlyName: r.friendly_name,
      kind: r.kind,
      basis: r.basis,
      creditMinor: Number(r.credit_minor),
      currencyCode: r.currency_code,
      taxInclusive: r.tax_inclusive,
      period: r.period,
      cancelledAt: r.cancelled_at.toISOString(),
      status: r.status,
      postedAt: r.posted_at?.toISOString() ?? null,
      position: Number(r.position),
    };
    const order = orders.get(line.orderId) ?? { key: line.orderId, document: [], position: 0 };
    order.document.push(line);
    order.position = Math.max(order.position, line.position);
    orders.set(line.orderId, order);
  }
  return [...orders.values()];
}

async function write(client: PoolClient, orders: readonly StoredDocument<OrderCredits>[]): Promise<void> {
  await client.query(
    UPSERT,
    columns(
      orders.flatMap((o) => o.document),
      COLUMNS,
    ),
  );
}

/** The cancelled lines the order has no credit line for yet, pending; the same lines when there are none. */
function cancelled(lines: OrderCredits | null, d: OrderCancelled['data'], position: number): OrderCredits | null {
  const known = new Set(lines?.map((l) => l.lineItemNumber));
  const added = d.lineItems
    .filter((line) => !known.has(line.lineItemNumber))
    .map((line): CreditLine => ({
      id: `${d.orderId}_${line.lineItemNumber}`,
      partnerTenantId: d.partnerTenantId,
      customerId: d.customerId,
      orderId: d.orderId,
      lineItemNumber: line.lineItemNumber,
      offerId: line.offerId,
      friendlyName: line.friendlyName,
      kind: line.kind,
      basis: line.basis,
      creditMinor: line.credit,
      currencyCode: d.currencyCode,
      taxInclusive: d.taxInclusive,
      period: billingPeriodOf(d.cancelledAt),
      cancelledAt: d.cancelledAt,
      status: 'pending',
      postedAt: null,
      position,
    }));
  return added.length > 0 ? [...(lines ?? []), ...added] : lines;
}

/**
 * A propagation posts its order's lines cancelled up to its own cancellation (all, on events recorded before
 * they named it): a partial cancellation propagated before the next one leaves the next one pending.
 */
function posted(
  lines: OrderCredits,
  event: { data: CancellationPropagated['data']; globalPosition: number; recordedAt: Date },
): OrderCredits {
  const d = event.data;
  const upTo = d.cancelledAt ? Date.parse(d.cancelledAt) : Infinity;
  const postedAt = d.creditPostedAt ?? d.propagatedAt ?? event.recordedAt.toISOString();
  let changed = false;
  const next = lines.map((line) => {
    if (line.status !== 'pending' || Date.parse(line.cancelledAt) > upTo) return line;
    changed = true;
    return { ...line, status: 'posted' as const, postedAt, position: event.globalPosition };
  });
  return changed ? next : lines;
}

/**
 * Invoice credits (GET /v1/credits): one line per cancelled line item, in the billing period of the
 * cancellation, `pending` until the order's CancellationPropagated posts it. A document per order (its lines).
 */
export const creditsProjection = documentProjection<CreditEvent, OrderCredits>({
  name: 'credits',
  version: 1,
  eventTypes: { OrderCancelled: true, CancellationPropagated: true },
  migrate: (client, options) => migrateDdl(client, CREDITS_DDL, CREDITS_QUERY_INDEXES, options),
  key: (event) => event.data.orderId,
  evolve(lines, event) {
    switch (event.type) {
      case 'OrderCancelled':
        return cancelled(lines, event.data, event.globalPosition);
      case 'CancellationPropagated':
        return lines && posted(lines, event);
    }
  },
  load,
  write,
});

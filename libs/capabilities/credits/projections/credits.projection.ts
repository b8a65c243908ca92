import type { OrderCancelled } from '@csp/domain';
import type { RecordedEvent } from '@csp/event-store';
import type { PoolClient } from 'pg';
import type { MigrateOptions, Projection } from '@csp/event-sourcing';
import { columns, migrateDdl } from '@csp/event-sourcing';
import { CREDITS_DDL, CREDITS_QUERY_INDEXES } from './credits.schema';

export type CreditStatus = 'pending' | 'posted';

/**
 * What this projection reads of CancellationPropagated (appended by the propagation reactor); typed here
 * loosely on purpose so that an added field (creditPostedAt) needs no change.
 */
type PropagatedData = { orderId: string; cancelledAt?: string; propagatedAt?: string; creditPostedAt?: string };

const INSERT = `INSERT INTO rm_credits (id, partner_tenant_id, customer_id, order_id, line_item_number, offer_id,
    friendly_name, kind, basis, credit_minor, currency_code, tax_inclusive, period, cancelled_at, status, posted_at, position)
  SELECT id, partner_tenant_id, customer_id, order_id, line_item_number, offer_id, friendly_name, kind, basis,
         credit_minor, currency_code, tax_inclusive, period, cancelled_at, 'pending', NULL, position
    FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::integer[], $6::text[], $7::text[], $8::text[],
                $9::text[], $10::bigint[], $11::text[], $12::boolean[], $13::text[], $14::timestamptz[], $15::bigint[])
      AS x(id, partner_tenant_id, customer_id, order_id, line_item_number, offer_id, friendly_name, kind, basis,
           credit_minor, currency_code, tax_inclusive, period, cancelled_at, position)
  ON CONFLICT (id) DO NOTHING`;
type LineRow = {
  id: string;
  partnerTenantId: string;
  customerId: string;
  orderId: string;
  lineItemNumber: number;
  offerId: string;
  friendlyName: string;
  kind: string;
  basis: string;
  creditMinor: number;
  currencyCode: string;
  taxInclusive: boolean;
  period: string;
  cancelledAt: string;
  position: number;
};
const LINE_COLUMNS = [
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
  'position',
] as const;

// Each propagation posts its order's lines cancelled up to that propagation's cancellation, and only lines that
// an earlier event created: a partial cancellation propagated before the next one leaves the next one pending.
// All of a batch's propagations in one statement: a line goes to the first of them (in position order) that
// would have posted it had they run one by one, since a posted line is no longer pending for the later ones.
// The ANY gives the planner the index on order_id whatever it knows of the table.
const POST = `UPDATE rm_credits c SET status = 'posted', posted_at = m.posted_at, position = m.position
  FROM (SELECT DISTINCT ON (r.id) r.id, p.posted_at, p.position
          FROM rm_credits r
          JOIN unnest($1::text[], $2::timestamptz[], $3::timestamptz[], $4::bigint[])
            AS p(order_id, cancelled_at, posted_at, position) ON p.order_id = r.order_id
         WHERE r.order_id = ANY($1::text[]) AND r.status = 'pending' AND r.position < p.position
           AND (p.cancelled_at IS NULL OR r.cancelled_at <= p.cancelled_at)
         ORDER BY r.id, p.position) m
  WHERE c.id = m.id`;
type PostRow = { orderId: string; cancelledAt: string | null; postedAt: string; position: number };
const POST_COLUMNS = ['orderId', 'cancelledAt', 'postedAt', 'position'] as const;

/** Billing period of an instant: its calendar month in UTC. */
export const billingPeriodOf = (instant: string | Date): string =>
  (instant instanceof Date ? instant : new Date(instant)).toISOString().slice(0, 7);

/**
 * Invoice credits (GET /v1/credits): one line per cancelled line item, in the billing period of the
 * cancellation, `pending` until the order's CancellationPropagated posts it.
 */
export const creditsProjection: Projection = {
  name: 'credits',
  version: 1,
  eventTypes: ['OrderCancelled', 'CancellationPropagated'],
  migrate: (client: PoolClient, options?: MigrateOptions) =>
    migrateDdl(client, CREDITS_DDL, CREDITS_QUERY_INDEXES, options),
  async apply(client: PoolClient, events: RecordedEvent[]): Promise<void> {
    const lines: LineRow[] = [];
    const posts: PostRow[] = [];
    for (const event of events) {
      if (event.type === 'OrderCancelled') {
        const d = (event as RecordedEvent<OrderCancelled>).data;
        for (const line of d.lineItems) {
          lines.push({
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
            position: event.globalPosition,
          });
        }
      } else if (event.type === 'CancellationPropagated') {
        const d = event.data as PropagatedData;
        posts.push({
          orderId: d.orderId,
          cancelledAt: d.cancelledAt ?? null,
          postedAt: d.creditPostedAt ?? d.propagatedAt ?? event.recordedAt.toISOString(),
          position: event.globalPosition,
        });
      }
    }
    // Inserts first, then posts: each post only touches rows of lower positions, as if sequential.
    if (lines.length > 0) await client.query(INSERT, columns(lines, LINE_COLUMNS));
    if (posts.length > 0) await client.query(POST, columns(posts, POST_COLUMNS));
  },
};

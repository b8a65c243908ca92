import type { OrderCancelled } from '@csp/domain';
import type { RecordedEvent } from '@csp/event-store';
import type { PoolClient } from 'pg';
import type { Projection } from '../projection';
import { CREDITS_DDL } from './credits.schema';

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
    FROM jsonb_to_recordset($1::jsonb) AS x(id text, partner_tenant_id text, customer_id text, order_id text,
      line_item_number integer, offer_id text, friendly_name text, kind text, basis text, credit_minor bigint,
      currency_code text, tax_inclusive boolean, period text, cancelled_at timestamptz, position bigint)
  ON CONFLICT (id) DO NOTHING`;

// Posts the order's lines cancelled up to that propagation's cancellation, and only lines that an earlier
// event created: a partial cancellation propagated before the next one leaves the next one pending.
const POST = `UPDATE rm_credits SET status = 'posted', posted_at = $3::timestamptz, position = $4
  WHERE order_id = $1 AND status = 'pending' AND position < $4
    AND ($2::timestamptz IS NULL OR cancelled_at <= $2::timestamptz)`;

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
  async migrate(client: PoolClient): Promise<void> {
    for (const ddl of CREDITS_DDL) await client.query(ddl);
  },
  async apply(client: PoolClient, events: RecordedEvent[]): Promise<void> {
    const lines: Record<string, unknown>[] = [];
    const posts: PropagatedEvent[] = [];
    for (const event of events) {
      if (event.type === 'OrderCancelled') {
        const d = (event as RecordedEvent<OrderCancelled>).data;
        for (const line of d.lineItems) {
          lines.push({
            id: `${d.orderId}_${line.lineItemNumber}`,
            partner_tenant_id: d.partnerTenantId,
            customer_id: d.customerId,
            order_id: d.orderId,
            line_item_number: line.lineItemNumber,
            offer_id: line.offerId,
            friendly_name: line.friendlyName,
            kind: line.kind,
            basis: line.basis,
            credit_minor: line.credit,
            currency_code: d.currencyCode,
            tax_inclusive: d.taxInclusive,
            period: billingPeriodOf(d.cancelledAt),
            cancelled_at: d.cancelledAt,
            position: event.globalPosition,
          });
        }
      } else if (event.type === 'CancellationPropagated') {
        posts.push({
          data: event.data as PropagatedData,
          position: event.globalPosition,
          recordedAt: event.recordedAt,
        });
      }
    }
    // Inserts first, then posts in order: each post only touches rows of lower positions, as if sequential.
    if (lines.length > 0) await client.query(INSERT, [JSON.stringify(lines)]);
    for (const p of posts) {
      const postedAt = p.data.creditPostedAt ?? p.data.propagatedAt ?? p.recordedAt.toISOString();
      await client.query(POST, [p.data.orderId, p.data.cancelledAt ?? null, postedAt, p.position]);
    }
  },
};

type PropagatedEvent = { data: PropagatedData; position: number; recordedAt: Date };

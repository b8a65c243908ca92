import type { CancellationPropagated, OrderCancelled, OrderPlaced } from '@csp/domain';
import type { RecordedEvent } from '@csp/event-store';
import type { PoolClient } from 'pg';
import type { Projection } from '../projection';
import type { Recorded } from '../shared/recorded';
import { orderViewCancelled, orderViewPlaced, orderViewPropagated, type OrderView } from './order-view';
import { ORDER_VIEWS_DDL } from './order-views.schema';

type OrderViewEvent = OrderPlaced | OrderCancelled | CancellationPropagated;
const EVENT_TYPES = ['OrderPlaced', 'OrderCancelled', 'CancellationPropagated'];
type Row = { id: string; customerId: string; partnerTenantId: string; document: OrderView; position: number };

const SELECT = `SELECT id, customer_id, partner_tenant_id, document, position FROM rm_order_views WHERE id = ANY($1::text[])`;

const UPSERT = `INSERT INTO rm_order_views AS o (id, customer_id, partner_tenant_id, creation_date, status, document, position)
  SELECT x.id, x.customer_id, x.partner_tenant_id, (x.document->>'creationDate')::timestamptz, x.document->>'status', x.document, x.position
    FROM jsonb_to_recordset($1::jsonb) AS x(id text, customer_id text, partner_tenant_id text, document jsonb, position bigint)
  ON CONFLICT (id) DO UPDATE SET status = EXCLUDED.status, document = EXCLUDED.document, position = EXCLUDED.position
  WHERE o.position < EXCLUDED.position`;

/**
 * Order documents per customer. Per batch: one read of the touched orders, the fold in memory,
 * one multi-row upsert. Events at or below a row's position were already folded in.
 */
export const orderViewsProjection: Projection = {
  name: 'order-views',
  // 2: line items carry their credit.
  version: 2,
  eventTypes: EVENT_TYPES,
  async migrate(client: PoolClient): Promise<void> {
    for (const ddl of ORDER_VIEWS_DDL) await client.query(ddl);
  },
  async apply(client: PoolClient, events: RecordedEvent[]): Promise<void> {
    const relevant = (events as Recorded<OrderViewEvent>[]).filter((e) => EVENT_TYPES.includes(e.type));
    if (relevant.length === 0) return;
    const ids = [...new Set(relevant.map((e) => e.data.orderId))];
    const existing = await client.query<{
      id: string;
      customer_id: string;
      partner_tenant_id: string;
      document: OrderView;
      position: string;
    }>(SELECT, [ids]);
    const rows = new Map<string, Row>(
      existing.rows.map((r) => [
        r.id,
        {
          id: r.id,
          customerId: r.customer_id,
          partnerTenantId: r.partner_tenant_id,
          document: r.document,
          position: Number(r.position),
        },
      ]),
    );
    const changed = new Set<string>();
    for (const event of relevant) {
      const id = event.data.orderId;
      const row = rows.get(id);
      if (row && event.globalPosition <= row.position) continue;
      if (event.type === 'OrderPlaced') {
        if (row) continue; // an order is placed once
        const d = event.data;
        rows.set(id, {
          id,
          customerId: d.customerId,
          partnerTenantId: d.partnerTenantId,
          document: orderViewPlaced(d),
          position: event.globalPosition,
        });
      } else if (!row) {
        continue; // nothing to change without the placement (never expected)
      } else if (event.type === 'OrderCancelled') {
        row.document = orderViewCancelled(row.document, event.data);
        row.position = event.globalPosition;
      } else {
        row.document = orderViewPropagated(row.document, event.data);
        row.position = event.globalPosition;
      }
      changed.add(id);
    }
    if (changed.size === 0) return;
    const payload = [...changed].map((id) => {
      const r = rows.get(id) as Row;
      return {
        id: r.id,
        customer_id: r.customerId,
        partner_tenant_id: r.partnerTenantId,
        document: r.document,
        position: r.position,
      };
    });
    await client.query(UPSERT, [JSON.stringify(payload)]);
  },
};

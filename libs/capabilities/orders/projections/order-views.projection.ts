import type { CancellationPropagated, OrderCancelled, OrderPlaced } from '@csp/domain';
import type { RecordedEvent } from '@csp/event-store';
import type { PoolClient } from 'pg';
import type { MigrateOptions, Projection, Recorded } from '@csp/event-sourcing';
import { migrateDdl, columns, jsonColumn } from '@csp/event-sourcing';
import { orderViewCancelled, orderViewPlaced, orderViewPropagated, type OrderView } from './order-view';
import { ORDER_VIEWS_DDL, ORDER_VIEWS_QUERY_INDEXES } from './order-views.schema';

type OrderViewEvent = OrderPlaced | OrderCancelled | CancellationPropagated;
const EVENT_TYPES = ['OrderPlaced', 'OrderCancelled', 'CancellationPropagated'];
type Row = { id: string; customerId: string; partnerTenantId: string; document: OrderView; position: number };

const SELECT = `SELECT id, customer_id, partner_tenant_id, document, position FROM rm_order_views WHERE id = ANY($1::text[])`;

const UPSERT = `INSERT INTO rm_order_views AS o (id, customer_id, partner_tenant_id, creation_date, status, document, position)
  SELECT x.id, x.customer_id, x.partner_tenant_id, (d.document->>'creationDate')::timestamptz, d.document->>'status',
         d.document, x.position
    FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[]) WITH ORDINALITY
           AS x(id, customer_id, partner_tenant_id, position, i)
    CROSS JOIN LATERAL (SELECT $5::jsonb -> (x.i::int - 1) AS document) d
  ON CONFLICT (id) DO UPDATE SET status = EXCLUDED.status, document = EXCLUDED.document, position = EXCLUDED.position
  WHERE o.position < EXCLUDED.position`;
const COLUMNS = ['id', 'customerId', 'partnerTenantId', 'position'] as const;

/**
 * Order documents per customer. Per batch: one read of the touched orders, the fold in memory,
 * one multi-row upsert. Events at or below a row's position were already folded in.
 */
export const orderViewsProjection: Projection = {
  name: 'order-views',
  // 2: line items carry their credit. 3: Partner Center's billing cycle and line fields.
  version: 3,
  eventTypes: EVENT_TYPES,
  migrate: (client: PoolClient, options?: MigrateOptions) =>
    migrateDdl(client, ORDER_VIEWS_DDL, ORDER_VIEWS_QUERY_INDEXES, options),
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
    const payload = [...changed].map((id) => rows.get(id) as Row);
    await client.query(UPSERT, [...columns(payload, COLUMNS), jsonColumn(payload, 'document')]);
  },
};

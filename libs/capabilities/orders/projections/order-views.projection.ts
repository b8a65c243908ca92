import type { CancellationPropagated, OrderCancelled, OrderPlaced } from '@csp/domain';
import { columns, documentProjection, jsonColumn, migrateDdl, type StoredDocument } from '@csp/event-sourcing';
import type { PoolClient } from 'pg';
import { orderViewCancelled, orderViewPlaced, orderViewPropagated, type OrderView } from './order-view';
import { ORDER_VIEWS_DDL, ORDER_VIEWS_QUERY_INDEXES } from './order-views.schema';

type OrderViewEvent = OrderPlaced | OrderCancelled | CancellationPropagated;
/** The stored document: the order as the API shows it, and the partner it belongs to. */
type OrderViewDocument = { partnerTenantId: string; view: OrderView };

const SELECT = `SELECT id, partner_tenant_id, document, position FROM rm_order_views WHERE id = ANY($1::text[])`;

const UPSERT = `INSERT INTO rm_order_views AS o (id, customer_id, partner_tenant_id, creation_date, status, document, position)
  SELECT x.id, x.customer_id, x.partner_tenant_id, (d.document->>'creationDate')::timestamptz, d.document->>'status',
         d.document, x.position
    FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[]) WITH ORDINALITY
           AS x(id, customer_id, partner_tenant_id, position, i)
    CROSS JOIN LATERAL (SELECT $5::jsonb -> (x.i::int - 1) AS document) d
  ON CONFLICT (id) DO UPDATE SET status = EXCLUDED.status, document = EXCLUDED.document, position = EXCLUDED.position
  WHERE o.position < EXCLUDED.position`;
const COLUMNS = ['id', 'customerId', 'partnerTenantId', 'position'] as const;

async function load(client: PoolClient, ids: readonly string[]): Promise<StoredDocument<OrderViewDocument>[]> {
  const stored = await client.query<{ id: string; partner_tenant_id: string; document: OrderView; position: string }>(
    SELECT,
    [ids],
  );
  return stored.rows.map((r) => ({
    key: r.id,
    document: { partnerTenantId: r.partner_tenant_id, view: r.document },
    position: Number(r.position),
  }));
}

async function write(client: PoolClient, orders: readonly StoredDocument<OrderViewDocument>[]): Promise<void> {
  const rows = orders.map((o) => ({
    id: o.key,
    customerId: o.document.view.customerId,
    partnerTenantId: o.document.partnerTenantId,
    view: o.document.view,
    position: o.position,
  }));
  await client.query(UPSERT, [...columns(rows, COLUMNS), jsonColumn(rows, 'view')]);
}

/**
 * Order documents per customer. Per batch: one read of the touched orders, the fold in memory,
 * one multi-row upsert (see documentProjection).
 */
export const orderViewsProjection = documentProjection<OrderViewEvent, OrderViewDocument>({
  name: 'order-views',
  // 2: line items carry their credit. 3: Partner Center's billing cycle and line fields.
  version: 3,
  eventTypes: { OrderPlaced: true, OrderCancelled: true, CancellationPropagated: true },
  migrate: (client, options) => migrateDdl(client, ORDER_VIEWS_DDL, ORDER_VIEWS_QUERY_INDEXES, options),
  key: (event) => event.data.orderId,
  evolve(order, event) {
    switch (event.type) {
      case 'OrderPlaced':
        // An order is placed once.
        return order ?? { partnerTenantId: event.data.partnerTenantId, view: orderViewPlaced(event.data) };
      case 'OrderCancelled':
        return order && { ...order, view: orderViewCancelled(order.view, event.data) };
      case 'CancellationPropagated':
        return order && { ...order, view: orderViewPropagated(order.view, event.data) };
    }
  },
  load,
  write,
});

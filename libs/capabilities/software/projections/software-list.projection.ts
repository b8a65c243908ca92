import {
  isSoftwareKind,
  softwareIdOf,
  type CancellationPropagated,
  type OrderCancelled,
  type OrderPlaced,
} from '@csp/domain';
import { columns, documentProjection, jsonColumn, migrateDdl, type StoredDocument } from '@csp/event-sourcing';
import type { PoolClient } from 'pg';
import { SOFTWARE_LIST_DDL, SOFTWARE_LIST_QUERY_INDEXES } from './software-list.schema';

export type SoftwareStatus = 'active' | 'cancellationPending' | 'cancelled';

type SoftwareEvent = OrderPlaced | OrderCancelled | CancellationPropagated;
/** One software line; `position` is the last event that changed it (lines of an order change apart). */
type Row = {
  id: string;
  customer_id: string;
  partner_tenant_id: string;
  order_id: string;
  line_item_number: number;
  offer_id: string;
  friendly_name: string;
  kind: string;
  purchase_date: string;
  status: SoftwareStatus;
  key_available: boolean;
  versions: string[];
  languages: string[];
  bitness: string[];
  position: number;
};
/** The document: an order's software lines (the rows of one order_id). */
type OrderSoftware = readonly Row[];

const SELECT = `SELECT id, customer_id, partner_tenant_id, order_id, line_item_number, offer_id, friendly_name, kind,
    purchase_date, status, key_available, versions, languages, bitness, position
  FROM rm_software WHERE order_id = ANY($1::text[])`;

// Every line of a changed order is sent; the position guard leaves the lines the batch did not change as they are.
const UPSERT = `INSERT INTO rm_software AS s (id, customer_id, partner_tenant_id, order_id, line_item_number, offer_id, friendly_name,
    kind, purchase_date, status, key_available, versions, languages, bitness, position)
  SELECT x.id, x.customer_id, x.partner_tenant_id, x.order_id, x.line_item_number, x.offer_id, x.friendly_name, x.kind,
         x.purchase_date, x.status, x.key_available, $13::jsonb -> (x.i::int - 1), $14::jsonb -> (x.i::int - 1),
         $15::jsonb -> (x.i::int - 1), x.position
    FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::integer[], $6::text[], $7::text[], $8::text[],
                $9::timestamptz[], $10::text[], $11::boolean[], $12::bigint[]) WITH ORDINALITY
      AS x(id, customer_id, partner_tenant_id, order_id, line_item_number, offer_id, friendly_name, kind, purchase_date,
           status, key_available, position, i)
  ON CONFLICT (id) DO UPDATE SET status = EXCLUDED.status, key_available = EXCLUDED.key_available, position = EXCLUDED.position
  WHERE s.position < EXCLUDED.position`;
const COLUMNS = [
  'id',
  'customer_id',
  'partner_tenant_id',
  'order_id',
  'line_item_number',
  'offer_id',
  'friendly_name',
  'kind',
  'purchase_date',
  'status',
  'key_available',
  'position',
] as const;

async function load(client: PoolClient, orderIds: readonly string[]): Promise<StoredDocument<OrderSoftware>[]> {
  const stored = await client.query<
    Omit<Row, 'position' | 'purchase_date'> & { position: string; purchase_date: Date }
  >(SELECT, [orderIds]);
  const orders = new Map<string, StoredDocument<Row[]>>();
  for (const r of stored.rows) {
    const row: Row = { ...r, purchase_date: r.purchase_date.toISOString(), position: Number(r.position) };
    const order = orders.get(row.order_id) ?? { key: row.order_id, document: [], position: 0 };
    order.document.push(row);
    order.position = Math.max(order.position, row.position);
    orders.set(row.order_id, order);
  }
  return [...orders.values()];
}

async function write(client: PoolClient, orders: readonly StoredDocument<OrderSoftware>[]): Promise<void> {
  const rows = orders.flatMap((o) => o.document);
  if (rows.length === 0) return;
  await client.query(UPSERT, [
    ...columns(rows, COLUMNS),
    jsonColumn(rows, 'versions'),
    jsonColumn(rows, 'languages'),
    jsonColumn(rows, 'bitness'),
  ]);
}

/** The order's software lines (none: no document), all active with keys. */
function placed(event: { data: OrderPlaced['data']; globalPosition: number }): OrderSoftware | null {
  const d = event.data;
  const rows = d.lineItems
    .filter((line) => isSoftwareKind(line.kind))
    .map((line): Row => ({
      id: softwareIdOf(d.orderId, line.lineItemNumber),
      customer_id: d.customerId,
      partner_tenant_id: d.partnerTenantId,
      order_id: d.orderId,
      line_item_number: line.lineItemNumber,
      offer_id: line.offerId,
      friendly_name: line.friendlyName,
      kind: line.kind,
      purchase_date: d.placedAt,
      status: 'active',
      key_available: true,
      versions: line.versions,
      languages: line.languages,
      bitness: line.bitness,
      position: event.globalPosition,
    }));
  return rows.length > 0 ? rows : null;
}

/** The lines `change` picks changed at `position`; the same document when it picks none. */
function changeLines(lines: OrderSoftware, position: number, change: (row: Row) => Partial<Row> | null): OrderSoftware {
  let changed = false;
  const next = lines.map((row) => {
    const update = change(row);
    if (!update) return row;
    changed = true;
    return { ...row, ...update, position };
  });
  return changed ? next : lines;
}

/**
 * The software list: one row per purchased perpetual or software-subscription line,
 * active → cancellationPending (OrderCancelled; keys and links revoked) → cancelled
 * (CancellationPropagated). Cancelled rows stay. A document per order (its lines): one read, one upsert per batch.
 */
export const softwareListProjection = documentProjection<SoftwareEvent, OrderSoftware>({
  name: 'software-list',
  version: 1,
  eventTypes: { OrderPlaced: true, OrderCancelled: true, CancellationPropagated: true },
  migrate: (client, options) => migrateDdl(client, SOFTWARE_LIST_DDL, SOFTWARE_LIST_QUERY_INDEXES, options),
  key: (event) => event.data.orderId,
  evolve(lines, event) {
    switch (event.type) {
      case 'OrderPlaced':
        // Placed once: a redelivery finds its lines.
        return lines ?? placed(event);
      case 'OrderCancelled': {
        const cancelled = new Set(event.data.lineItems.map((l) => l.lineItemNumber));
        return (
          lines &&
          changeLines(lines, event.globalPosition, (row) =>
            cancelled.has(row.line_item_number) ? { status: 'cancellationPending', key_available: false } : null,
          )
        );
      }
      case 'CancellationPropagated':
        return (
          lines &&
          changeLines(lines, event.globalPosition, (row) =>
            row.status === 'cancellationPending' ? { status: 'cancelled' } : null,
          )
        );
    }
  },
  load,
  write,
});

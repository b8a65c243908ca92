import {
  isSoftwareKind,
  softwareIdOf,
  type CancellationPropagated,
  type OrderCancelled,
  type OrderPlaced,
} from '@csp/domain';
import type { RecordedEvent } from '@csp/event-store';
import type { PoolClient } from 'pg';
import type { MigrateOptions, Projection, Recorded } from '@csp/event-sourcing';
import { migrateDdl, columns, jsonColumn } from '@csp/event-sourcing';
import { SOFTWARE_LIST_DDL, SOFTWARE_LIST_QUERY_INDEXES } from './software-list.schema';

export type SoftwareStatus = 'active' | 'cancellationPending' | 'cancelled';

type SoftwareEvent = OrderPlaced | OrderCancelled | CancellationPropagated;
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

const EVENT_TYPES = ['OrderPlaced', 'OrderCancelled', 'CancellationPropagated'];

const SELECT = `SELECT id, customer_id, partner_tenant_id, order_id, line_item_number, offer_id, friendly_name, kind,
    purchase_date, status, key_available, versions, languages, bitness, position
  FROM rm_software WHERE order_id = ANY($1::text[])`;

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

/**
 * The software list: one row per purchased perpetual or software-subscription line,
 * active → cancellationPending (OrderCancelled; keys and links revoked) → cancelled
 * (CancellationPropagated). Cancelled rows stay. Per batch: one read, one multi-row upsert.
 */
export const softwareListProjection: Projection = {
  name: 'software-list',
  version: 1,
  eventTypes: EVENT_TYPES,
  migrate: (client: PoolClient, options?: MigrateOptions) =>
    migrateDdl(client, SOFTWARE_LIST_DDL, SOFTWARE_LIST_QUERY_INDEXES, options),
  async apply(client: PoolClient, events: RecordedEvent[]): Promise<void> {
    const relevant = (events as Recorded<SoftwareEvent>[]).filter((e) => EVENT_TYPES.includes(e.type));
    if (relevant.length === 0) return;
    const orderIds = [...new Set(relevant.map((e) => e.data.orderId))];
    const existing = await client.query<
      Omit<Row, 'position' | 'purchase_date'> & { position: string; purchase_date: Date }
    >(SELECT, [orderIds]);
    const rows = new Map<string, Row>(
      existing.rows.map((r) => [
        r.id,
        { ...r, purchase_date: r.purchase_date.toISOString(), position: Number(r.position) },
      ]),
    );
    const changed = new Set<string>();
    const update = (row: Row, position: number, change: Partial<Row>): void => {
      if (position <= row.position) return;
      Object.assign(row, change, { position });
      changed.add(row.id);
    };
    for (const event of relevant) {
      const position = event.globalPosition;
      if (event.type === 'OrderPlaced') {
        const d = event.data;
        for (const line of d.lineItems) {
          if (!isSoftwareKind(line.kind)) continue;
          const id = softwareIdOf(d.orderId, line.lineItemNumber);
          if (rows.has(id)) continue; // placed once; a redelivery finds its row
          rows.set(id, {
            id,
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
            position,
          });
          changed.add(id);
        }
      } else if (event.type === 'OrderCancelled') {
        for (const line of event.data.lineItems) {
          const row = rows.get(softwareIdOf(event.data.orderId, line.lineItemNumber));
          if (row) update(row, position, { status: 'cancellationPending', key_available: false });
        }
      } else {
        for (const row of rows.values()) {
          if (row.order_id === event.data.orderId && row.status === 'cancellationPending')
            update(row, position, { status: 'cancelled' });
        }
      }
    }
    if (changed.size === 0) return;
    const upserts = [...changed].map((id) => rows.get(id) as Row);
    await client.query(UPSERT, [
      ...columns(upserts, COLUMNS),
      jsonColumn(upserts, 'versions'),
      jsonColumn(upserts, 'languages'),
      jsonColumn(upserts, 'bitness'),
    ]);
  },
};

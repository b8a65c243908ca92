import type { Pool } from 'pg';
import {
  decodeToken,
  encodeToken,
  iso,
  pageSize,
  toPage,
  tokenTimestamp,
  type Page,
  type PageRequest,
} from '@csp/event-sourcing';
import type { OrderView } from './order-view';

type OrderRow = { id: string; creation_date: Date; document: OrderView };
const TOKEN_KIND = 'orders';

/** Queries of the order views (tenant checks on the customer are the caller's). */
export class OrderViewsQuery {
  constructor(private readonly pool: Pool) {}

  /** A customer's orders, oldest first. */
  async list(customerId: string, page: PageRequest = {}): Promise<Page<OrderView>> {
    const size = pageSize(page.size);
    const after = page.continuationToken
      ? decodeToken<[string, string]>(TOKEN_KIND, page.continuationToken, ['string', 'string'])
      : null;
    const [rows, count] = await Promise.all([
      this.pool.query<OrderRow>(
        `SELECT id, creation_date, document FROM rm_order_views
          WHERE customer_id = $1 AND ($2::timestamptz IS NULL OR (creation_date, id) > ($2::timestamptz, $3::text))
          ORDER BY creation_date, id LIMIT $4`,
        [customerId, after ? tokenTimestamp(after[0]) : null, after?.[1] ?? null, size + 1],
      ),
      this.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM rm_order_views WHERE customer_id = $1', [
        customerId,
      ]),
    ]);
    return toPage(
      rows.rows,
      size,
      count.rows[0].n,
      (r) => r.document,
      (r) => encodeToken(TOKEN_KIND, [iso(r.creation_date), r.id]),
    );
  }

  /** The order, or null when unknown or another customer's. */
  async get(customerId: string, orderId: string): Promise<OrderView | null> {
    const result = await this.pool.query<OrderRow>(
      'SELECT id, creation_date, document FROM rm_order_views WHERE id = $1 AND customer_id = $2',
      [orderId, customerId],
    );
    return result.rows[0]?.document ?? null;
  }
}

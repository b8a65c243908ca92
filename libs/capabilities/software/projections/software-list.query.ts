import type { OfferKind } from '@csp/domain';
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
import type { SoftwareStatus } from './software-list.projection';

export interface SoftwareItem {
  id: string;
  orderId: string;
  lineItemNumber: number;
  offerId: string;
  friendlyName: string;
  kind: OfferKind;
  purchaseDate: string;
  status: SoftwareStatus;
  keyAvailable: boolean;
  versions: string[];
  languages: string[];
  bitness: string[];
}

type SoftwareRow = {
  id: string;
  order_id: string;
  line_item_number: number;
  offer_id: string;
  friendly_name: string;
  kind: OfferKind;
  purchase_date: Date;
  status: SoftwareStatus;
  key_available: boolean;
  versions: string[];
  languages: string[];
  bitness: string[];
};

const COLUMNS =
  'id, order_id, line_item_number, offer_id, friendly_name, kind, purchase_date, status, key_available, versions, languages, bitness';
const TOKEN_KIND = 'software';

const LIST = `SELECT t.total, p.* FROM (SELECT count(*)::int AS total FROM rm_software WHERE customer_id = $1) t
  LEFT JOIN LATERAL (
    SELECT ${COLUMNS} FROM rm_software
     WHERE customer_id = $1
       AND ($2::timestamptz IS NULL OR (purchase_date, order_id, line_item_number) > ($2::timestamptz, $3::text, $4::int))
     ORDER BY purchase_date, order_id, line_item_number LIMIT $5) p ON true
  ORDER BY p.purchase_date, p.order_id, p.line_item_number`;

const toItem = (r: SoftwareRow): SoftwareItem => ({
  id: r.id,
  orderId: r.order_id,
  lineItemNumber: r.line_item_number,
  offerId: r.offer_id,
  friendlyName: r.friendly_name,
  kind: r.kind,
  purchaseDate: iso(r.purchase_date),
  status: r.status,
  keyAvailable: r.key_available,
  versions: r.versions,
  languages: r.languages,
  bitness: r.bitness,
});

/** Queries of the software list (tenant checks on the customer are the caller's). */
export class SoftwareListQuery {
  constructor(private readonly pool: Pool) {}

  /** A customer's software, oldest purchase first; cancelled items included. */
  async list(customerId: string, page: PageRequest = {}): Promise<Page<SoftwareItem>> {
    const size = pageSize(page.size);
    const after = page.continuationToken
      ? decodeToken<[string, string, number]>(TOKEN_KIND, page.continuationToken, ['string', 'string', 'number'])
      : null;
    // One round trip, one prepared statement: the page (size + 1 rows, to tell whether there is more) beside the
    // customer's total, which an empty page still reports (the row of the count with no item).
    const result = await this.pool.query<SoftwareRow & { total: number }>({
      name: 'software_list_page',
      text: LIST,
      values: [customerId, after ? tokenTimestamp(after[0]) : null, after?.[1] ?? null, after?.[2] ?? null, size + 1],
    });
    const total = result.rows[0]?.total ?? 0;
    const rows = result.rows[0]?.id === null ? [] : result.rows;
    return toPage(rows, size, total, toItem, (r) =>
      encodeToken(TOKEN_KIND, [iso(r.purchase_date), r.order_id, r.line_item_number]),
    );
  }

  /** One software item of the customer, or null. */
  async get(customerId: string, softwareId: string): Promise<SoftwareItem | null> {
    const result = await this.pool.query<SoftwareRow>(
      `SELECT ${COLUMNS} FROM rm_software WHERE id = $1 AND customer_id = $2`,
      [softwareId, customerId],
    );
    return result.rows[0] ? toItem(result.rows[0]) : null;
  }
}

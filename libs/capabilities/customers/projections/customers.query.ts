import type { Pool } from 'pg';
import { decodeToken, encodeToken, iso, pageSize, toPage, type Page, type PageRequest } from '@csp/event-sourcing';

export interface CustomerView {
  id: string;
  partnerTenantId: string;
  companyName: string;
  domain: string;
  country: string;
  currencyCode: string;
  taxInclusivePricing: boolean;
  registeredAt: string;
}

type CustomerRow = {
  id: string;
  partner_tenant_id: string;
  company_name: string;
  domain: string;
  country: string;
  currency_code: string;
  tax_inclusive_pricing: boolean;
  registered_at: Date;
  position: string;
};

const COLUMNS =
  'id, partner_tenant_id, company_name, domain, country, currency_code, tax_inclusive_pricing, registered_at, position';
const TOKEN_KIND = 'customers';

const toView = (r: CustomerRow): CustomerView => ({
  id: r.id,
  partnerTenantId: r.partner_tenant_id,
  companyName: r.company_name,
  domain: r.domain,
  country: r.country,
  currencyCode: r.currency_code,
  taxInclusivePricing: r.tax_inclusive_pricing,
  registeredAt: iso(r.registered_at),
});

/** Queries of the customers projection's rows (a partner sees only its own customers). */
export class CustomersQuery {
  constructor(private readonly pool: Pool) {}

  /** A partner's customers in registration order. */
  async list(partnerTenantId: string, page: PageRequest = {}): Promise<Page<CustomerView>> {
    const size = pageSize(page.size);
    const after = page.continuationToken ? decodeToken<[number]>(TOKEN_KIND, page.continuationToken, ['number'])[0] : 0;
    const [rows, count] = await Promise.all([
      this.pool.query<CustomerRow>(
        `SELECT ${COLUMNS} FROM rm_customers WHERE partner_tenant_id = $1 AND position > $2 ORDER BY position LIMIT $3`,
        [partnerTenantId, after, size + 1],
      ),
      this.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM rm_customers WHERE partner_tenant_id = $1', [
        partnerTenantId,
      ]),
    ]);
    return toPage(rows.rows, size, count.rows[0].n, toView, (r) => encodeToken(TOKEN_KIND, [Number(r.position)]));
  }

  /** The customer, or null when unknown or another partner's. */
  async get(partnerTenantId: string, customerId: string): Promise<CustomerView | null> {
    const result = await this.pool.query<CustomerRow>(
      `SELECT ${COLUMNS} FROM rm_customers WHERE id = $1 AND partner_tenant_id = $2`,
      [customerId, partnerTenantId],
    );
    return result.rows[0] ? toView(result.rows[0]) : null;
  }

  /** The customer whatever its partner (for customer users, whose token carries the customer's tenant). */
  async getById(customerId: string): Promise<CustomerView | null> {
    const result = await this.pool.query<CustomerRow>(`SELECT ${COLUMNS} FROM rm_customers WHERE id = $1`, [
      customerId,
    ]);
    return result.rows[0] ? toView(result.rows[0]) : null;
  }
}

import { isLow } from '@csp/domain';
import type { Pool } from 'pg';
import type { KeyPoolMetrics } from '../shared/key-pool.metrics';

/**
 * Keeps `csp_keypool_low{offer,version}` (and the available gauge) current after every change of stock: low is 1
 * while any partner holding that offer and version has fewer available keys than its watermark.
 */
export class LowStockMonitor {
  constructor(
    private readonly pool: Pool,
    private readonly metrics: KeyPoolMetrics,
    private readonly defaultLowWatermark: number,
  ) {}

  private readonly pending = new Map<string, NodeJS.Timeout>();

  /**
   * After a reveal or an import: at most one count per offer and version per second (a burst of first reveals
   * would otherwise count the stock once each); the last change is always counted, a second later at most.
   */
  refresh(_partnerTenantId: string, offerId: string, version: string): void {
    const id = `${offerId}|${version}`;
    if (this.pending.has(id)) return;
    const timer = setTimeout(() => {
      this.pending.delete(id);
      void this.refreshNow(offerId, version);
    }, 1000);
    timer.unref();
    this.pending.set(id, timer);
  }

  /** Never throws: a metric must not fail a reveal. */
  async refreshNow(offerId: string, version: string): Promise<void> {
    try {
      const { rows } = await this.pool.query<{
        partner_tenant_id: string;
        available: number;
        low_watermark: number | null;
      }>(
        `SELECT k.partner_tenant_id, count(*) FILTER (WHERE k.status = 'available')::int AS available, w.low_watermark
         FROM key_pool_keys k
         LEFT JOIN key_pool_watermarks w
           ON w.partner_tenant_id = k.partner_tenant_id AND w.offer_id = k.offer_id AND w.version = k.version
         WHERE k.offer_id = $1 AND k.version = $2 AND k.status <> 'staged'
         GROUP BY k.partner_tenant_id, w.low_watermark`,
        [offerId, version],
      );
      const low = rows.some((r) => isLow(r.available, r.low_watermark ?? this.defaultLowWatermark));
      this.metrics.low.set({ offer: offerId, version }, low ? 1 : 0);
      this.metrics.available.set(
        { offer: offerId, version },
        rows.reduce((n, r) => n + r.available, 0),
      );
    } catch {
      // The next change of stock refreshes it again.
    }
  }
}

import { Inject, Injectable } from '@nestjs/common';
import { findOffer, stockLevel, watermarkKey, type DomainData, type StockLevel } from '@csp/domain';
import type { Principal } from '@csp/platform';
import { DOMAIN_DATA, StreamCommands } from '@csp/event-sourcing';
import { KeyCustody } from '../shared/key-custody';

export type StockItem = StockLevel & { friendlyName: string };

/**
 * Stock per offer and version, counted from the vault (the custody truth, never behind), with each low watermark
 * folded from the partner's settings stream (`keypool-{tenant}`); the watermark table the metric reads is
 * repaired from it when a crash left it behind.
 */
@Injectable()
export class KeyStockService {
  constructor(
    private readonly custody: KeyCustody,
    private readonly streams: StreamCommands,
    @Inject(DOMAIN_DATA) private readonly data: DomainData,
  ) {}

  async stock(principal: Principal, only?: { offerId: string; version: string }): Promise<StockItem[]> {
    const tenant = principal.tenantId.toLowerCase();
    const [rows, watermarks, table] = await Promise.all([
      this.custody.vault.stock(tenant, only),
      this.watermarks(tenant),
      this.custody.vault.watermarks(tenant),
    ]);
    for (const [key, value] of Object.entries(watermarks)) {
      if (table.get(key) === value) continue;
      const [offerId, version] = key.split('|') as [string, string];
      await this.custody.vault.setWatermark(tenant, offerId, version, value);
    }
    const levels = new Map<string, StockItem>();
    const item = (
      offerId: string,
      version: string,
      counts = { available: 0, assigned: 0, revoked: 0, quarantined: 0 },
    ): StockItem => ({
      ...stockLevel(
        offerId,
        version,
        counts,
        watermarks[watermarkKey(offerId, version)] ?? this.custody.defaultLowWatermark,
      ),
      friendlyName: findOffer(this.data.catalog, offerId)?.friendlyName ?? offerId,
    });
    for (const r of rows) levels.set(watermarkKey(r.offerId, r.version), item(r.offerId, r.version, r));
    for (const key of Object.keys(watermarks)) {
      const [offerId, version] = key.split('|') as [string, string];
      if (only && (only.offerId !== offerId || only.version !== version)) continue;
      if (!levels.has(key)) levels.set(key, item(offerId, version));
    }
    if (only && !levels.has(watermarkKey(only.offerId, only.version)))
      levels.set(watermarkKey(only.offerId, only.version), item(only.offerId, only.version));
    // Whoever reads the stock also brings the low-stock gauges of what it read up to date.
    if (!only)
      await Promise.all([...levels.values()].map((l) => this.custody.monitor.refreshNow(l.offerId, l.version)));
    return [...levels.values()].sort(
      (a, b) => a.offerId.localeCompare(b.offerId) || b.version.localeCompare(a.version),
    );
  }

  async setLowWatermark(
    principal: Principal,
    offerId: string,
    version: string,
    lowWatermark: unknown,
  ): Promise<{ item: StockItem; position?: number }> {
    const tenant = principal.tenantId.toLowerCase();
    const result = await this.streams.handle('keyPool', tenant, {
      type: 'SetLowWatermark',
      data: {
        partnerTenantId: tenant,
        offerId,
        version,
        lowWatermark,
        user: { userId: principal.userId, upn: principal.upn, tenantId: principal.tenantId },
      },
    });
    await this.custody.vault.setWatermark(tenant, offerId, version, lowWatermark as number);
    await this.custody.monitor.refreshNow(offerId, version);
    const [item] = await this.stock(principal, { offerId, version });
    return { item: item!, position: result.position };
  }

  private async watermarks(tenant: string): Promise<Record<string, number>> {
    const { state } = await this.streams.load('keyPool', tenant);
    return state.watermarks;
  }
}

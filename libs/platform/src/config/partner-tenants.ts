import { isGuid } from '../auth/principal';
import { ConfigError } from './config.error';

/** A partner tenant named in PARTNER_TENANTS. */
export interface PartnerTenantSetting {
  readonly tenantId: string;
  readonly name?: string;
}

/** The tenant of the README's quick start and of `npm run token` without --tenant: the default partner outside production. */
export const DEV_PARTNER_TENANT = '6f1c3a52-0d5e-4d2b-9a53-6a4c5d1e8b01';

/**
 * PARTNER_TENANTS=guid[:name],...: the partners registered at start (each a PartnerRegistered event, written once).
 * Required in production, where no tenant is a partner unless registered; elsewhere it defaults to the dev tenant.
 */
export function parsePartnerTenants(raw: string | undefined, production: boolean): readonly PartnerTenantSetting[] {
  if (raw === undefined) {
    if (production) {
      throw new ConfigError(
        'PARTNER_TENANTS',
        'is required in production: the partner tenant GUIDs this service serves, as guid[:name],...',
      );
    }
    return Object.freeze([Object.freeze({ tenantId: DEV_PARTNER_TENANT, name: 'Local development partner' })]);
  }
  const seen = new Set<string>();
  const out: PartnerTenantSetting[] = [];
  for (const entry of raw.split(',')) {
    const item = entry.trim();
    if (item === '') continue;
    const colon = item.indexOf(':');
    const id = (colon < 0 ? item : item.slice(0, colon)).trim();
    const name = colon < 0 ? undefined : item.slice(colon + 1).trim() || undefined;
    if (!isGuid(id)) throw new ConfigError('PARTNER_TENANTS', `holds "${id}", which is not a tenant GUID`);
    if (name && name.length > 200) throw new ConfigError('PARTNER_TENANTS', `names ${id} with over 200 characters`);
    const tenantId = id.toLowerCase();
    if (seen.has(tenantId)) throw new ConfigError('PARTNER_TENANTS', `lists ${tenantId} twice`);
    seen.add(tenantId);
    out.push(Object.freeze(name ? { tenantId, name } : { tenantId }));
  }
  if (out.length === 0) throw new ConfigError('PARTNER_TENANTS', 'lists no tenant; expected guid[:name],...');
  return Object.freeze(out);
}

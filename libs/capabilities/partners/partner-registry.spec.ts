import { randomUUID } from 'node:crypto';
import { defaultDomainContext } from '@csp/domain';
import { InMemoryEventStore } from '@csp/event-sourcing/testing/in-memory-event-store';
import { PartnerRegistry } from './partner-registry';
import { registerPartner } from './register-partner/register-partner';

const register = (store: InMemoryEventStore, tenantId: string) =>
  registerPartner(store, () => defaultDomainContext(new Date()), { partnerTenantId: tenantId, source: 'cli' });

describe('PartnerRegistry', () => {
  it('remembers a registered partner: asked again, it reads nothing', async () => {
    const store = new InMemoryEventStore();
    const tenant = randomUUID();
    await register(store, tenant);
    const registry = new PartnerRegistry(store);
    expect(registry.isKnownPartner(tenant)).toBe(false);
    expect(await registry.isPartner(tenant)).toBe(true);
    const reads = store.reads;
    expect(await registry.isPartner(tenant.toUpperCase())).toBe(true);
    expect(registry.isKnownPartner(tenant)).toBe(true);
    expect(store.reads).toBe(reads);
  });

  it('does not remember an unknown tenant: a partner the CLI adds later is seen on its next request', async () => {
    const store = new InMemoryEventStore();
    const tenant = randomUUID();
    const registry = new PartnerRegistry(store);
    expect(await registry.isPartner(tenant)).toBe(false);
    await register(store, tenant);
    expect(await registry.isPartner(tenant)).toBe(true);
  });

  it('keeps at most CACHE_SIZE partners in memory, and one that went out is read again', async () => {
    const store = new InMemoryEventStore();
    const registry = new PartnerRegistry(store);
    const tenants = Array.from({ length: PartnerRegistry.CACHE_SIZE + 5 }, () => randomUUID());
    for (const t of tenants) await register(store, t);
    for (const t of tenants) expect(await registry.isPartner(t)).toBe(true);
    expect(tenants.filter((t) => registry.isKnownPartner(t))).toHaveLength(PartnerRegistry.CACHE_SIZE);
    // The least recently used went out first; it is still a partner, read again.
    expect(registry.isKnownPartner(tenants[0]!)).toBe(false);
    const reads = store.reads;
    expect(await registry.isPartner(tenants[0]!)).toBe(true);
    expect(store.reads).toBeGreaterThan(reads);
  });
});

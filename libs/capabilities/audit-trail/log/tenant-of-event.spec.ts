import { SYSTEM_LOG, tenantOf } from './tenant-of-event';

const P = '6F1C3A52-0D5E-4D2B-9A53-6A4C5D1E8B01';
const p = P.toLowerCase();
const none = (): undefined => undefined;

describe('tenantOf', () => {
  it('given data naming a partner, then that partner (lowercase), whatever the stream says', () => {
    expect(tenantOf({ streamId: 'order-1', data: { partnerTenantId: P } }, 'other', none)).toBe(p);
  });

  it('given no partner in the data, then the tenant of the stream', () => {
    expect(tenantOf({ streamId: 'order-1', data: { orderId: '1' } }, p, none)).toBe(p);
  });

  it('given neither, then the partner of the customer the data names', () => {
    const lapsed = { streamId: 'customer-c1', data: { customerId: 'C1', domain: 'x.example' } };
    expect(tenantOf(lapsed, undefined, (c) => (c === 'c1' ? p : undefined))).toBe(p);
  });

  it('given nothing to go by, then the system log', () => {
    expect(tenantOf({ streamId: 'foreign-1', data: {} }, undefined, none)).toBe(SYSTEM_LOG);
    expect(tenantOf({ streamId: 'customer-c2', data: { customerId: 'c2' } }, undefined, none)).toBe(SYSTEM_LOG);
  });
});

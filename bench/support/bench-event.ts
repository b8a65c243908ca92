/** The ~600-byte OrderPlaced every store bench appends (ours, the peers' and the plain INSERT alike). */
export const benchOrderPlaced = (i: number) => ({
  type: 'OrderPlaced',
  data: {
    orderId: `order-${i}`,
    customerId: `customer-${i % 997}`,
    offerId: 'CFQ7TTC0LH18:0001',
    quantity: 1 + (i % 50),
    billingCycle: 'monthly',
    termDuration: 'P1Y',
    unitPriceMinor: 1234,
    currency: 'EUR',
    market: 'DE',
    note: 'x'.repeat(330),
  },
  metadata: {
    correlationId: `c-${i}`,
    requestId: `r-${i}`,
    userId: 'bench',
    tenantId: 'bench-tenant',
    policyVersion: '1',
  },
});

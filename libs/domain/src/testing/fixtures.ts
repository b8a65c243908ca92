/** Test fixtures on the bundled config/ data. */
import type { DomainContext } from '../shared/context';
import { defaultDomainContext, defaultDomainData } from '../shared/default-data';
import type { Actor } from '../shared/types';
import type { CustomerSnapshot, OrderCommand, PlaceOrder } from '../orders/order.commands';
import type { OrderEvent } from '../orders/order.events';
import { decideOrder } from '../orders/order.decide';
import { evolveOrder, initialOrderState, type OrderState } from '../orders/order.state';
import { resolveMarket } from '../markets/markets';

export const OFFERS = {
  wsStdPerpetual: 'DG7GMGF0D7FV:0001:DG7GMGF0D7FW',
  wsDcPerpetual: 'DG7GMGF0D7FV:0002:DG7GMGF0D7G0',
  sqlStdPerpetual: 'DG7GMGF0FKZV:0001:DG7GMGF0FKZW',
  sqlEntPerpetual: 'DG7GMGF0FKZV:0002:DG7GMGF0FL00',
  wsStdP1Y: 'DG7GMGF0F4MH:0001:DG7GMGF0F4MJ',
  wsStdP3Y: 'DG7GMGF0F4MH:0002:DG7GMGF0F4MK',
  wsDcP1Y: 'DG7GMGF0F4ML:0001:DG7GMGF0F4MM',
  sqlStdP1Y: 'DG7GMGF0FLR2:0001:DG7GMGF0FLR3',
  reservationP1Y: 'DZH318Z0BQ3Q:00C8:DZH318Z0BQ3R',
  reservationP3Y: 'DZH318Z0BQ3Q:00C9:DZH318Z0BQ3S',
  susePlan: 'DZH318Z0BJZX:0001:DZH318Z0BJZZ',
  rhelPlan: 'DZH318Z0BK04:0001:DZH318Z0BK05',
} as const;

export const PARTNER = '11111111-1111-4111-8111-111111111111';
export const CUSTOMER = '22222222-2222-4222-8222-222222222222';
export const ORDER = '33333333-3333-4333-8333-333333333333';
export const ADMIN_AGENT: Actor = { userId: 'user-1', upn: 'agent@partner.example', tenantId: PARTNER };

export const T0 = new Date('2024-03-10T09:30:00.000Z');
export const DAY = 24 * 60 * 60 * 1000;
export const at = (base: Date, ms: number): Date => new Date(base.getTime() + ms);

export const ctxAt = (now: Date): DomainContext => defaultDomainContext(now);
export const data = defaultDomainData;

export const customerIn = (country: string): CustomerSnapshot => {
  const m = resolveMarket(defaultDomainData().markets, country);
  return {
    customerId: CUSTOMER,
    partnerTenantId: PARTNER,
    country: m.country,
    currencyCode: m.currencyCode,
    taxInclusive: m.taxInclusive,
  };
};

export const placeOrder = (
  country: string,
  lines: [offerId: string, quantity: number][],
  orderId = ORDER,
): PlaceOrder => ({
  type: 'PlaceOrder',
  data: {
    orderId,
    customer: customerIn(country),
    lineItems: lines.map(([offerId, quantity], lineItemNumber) => ({ lineItemNumber, offerId, quantity })),
    placedBy: ADMIN_AGENT,
  },
});

/** Decides commands one after another, each at its instant, returning all events. */
export const history = (steps: [OrderCommand, Date][]): OrderEvent[] => {
  let state: OrderState = initialOrderState();
  const all: OrderEvent[] = [];
  for (const [cmd, now] of steps) {
    const events = decideOrder(cmd, state, ctxAt(now));
    state = events.reduce(evolveOrder, state);
    all.push(...events);
  }
  return all;
};

export const placedEvents = (country: string, lines: [string, number][], placedAt = T0): OrderEvent[] =>
  history([[placeOrder(country, lines), placedAt]]);

import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TENANT_ROLES } from '@csp/domain';
import { EVENT_STORE, EventStore, RecordedEvent } from '@csp/event-store';
import { Caller, newTenant, TestApp, TestResponse } from '../support/app';

/**
 * Shared helpers of the end-to-end suites. Expected values come from the versioned data in config/
 * (the catalog is data, not code), never from the application's own functions.
 */

interface CatalogOffer {
  id: string;
  kind: 'perpetual' | 'softwareSubscription' | 'azureReservation' | 'softwarePlan';
  termDuration: string | null;
  friendlyName: string;
  prices: Record<string, number>;
  media: Array<{ version: string; languages: string[]; bitness: string[] }>;
}

export const CATALOG: { version: string; offers: CatalogOffer[] } = JSON.parse(
  readFileSync(join(__dirname, '../../config/catalog.json'), 'utf8'),
);

export const offer = (id: string): CatalogOffer => {
  const o = CATALOG.offers.find((x) => x.id === id);
  if (!o) throw new Error(`no offer ${id} in config/catalog.json`);
  return o;
};

/** An API body as the suites read it (JSON of any shape). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

/** Offers of each kind, by name. */
export const OFFERS = {
  /** Windows Server 2022 Standard, perpetual. */
  perpetual: 'DG7GMGF0D7FV:0001:DG7GMGF0D7FW',
  /** SQL Server 2022 Standard, perpetual. */
  sqlPerpetual: 'DG7GMGF0FKZV:0001:DG7GMGF0FKZW',
  /** Windows Server 2022 Standard, 1-year subscription. */
  subscription1y: 'DG7GMGF0F4MH:0001:DG7GMGF0F4MJ',
  /** Windows Server 2022 Standard, 3-year subscription. */
  subscription3y: 'DG7GMGF0F4MH:0002:DG7GMGF0F4MK',
  reservation: 'DZH318Z0BQ3Q:00C8:DZH318Z0BQ3R',
  suse: 'DZH318Z0BJZX:0001:DZH318Z0BJZZ',
  redHat: 'DZH318Z0BK04:0001:DZH318Z0BK05',
} as const;

/** Every role DOMAIN.md names (its list lives once, in the domain's access policy). */
export const ALL_ROLES = TENANT_ROLES;

export const MAK_FORMAT = /^[A-Z0-9]{5}(-[A-Z0-9]{5}){4}$/;
export const MINUTE = 60_000;
export const DAY = 86_400_000;

export const adminAgent = (tenantId = newTenant()): Caller => ({
  tenantId,
  roles: ['AdminAgent'],
  userId: `agent-${tenantId.slice(0, 8)}`,
  upn: `agent@${tenantId.slice(0, 8)}.example`,
});

export const uniqueDomain = (prefix = 'contoso'): string => `${prefix}-${randomUUID().slice(0, 12)}.example.com`;

export async function registerCustomer(
  t: TestApp,
  as: Caller,
  country = 'PL',
  extra: Record<string, unknown> = {},
): Promise<{ id: string; currencyCode: string; taxInclusivePricing: boolean; position: number; body: Json }> {
  const res = await t.request('POST', '/v1/customers', {
    as,
    body: { companyName: `Company ${country}`, domain: uniqueDomain(country.toLowerCase()), country, ...extra },
  });
  if (res.status !== 201) throw new Error(`register customer: ${res.status} ${res.text}`);
  return { ...res.body, position: Number(res.headers.get('x-event-position')), body: res.body };
}

export interface LineInput {
  lineItemNumber?: number;
  offerId: string;
  quantity?: number;
}

export async function placeOrder(
  t: TestApp,
  as: Caller,
  customerId: string,
  lines: LineInput[],
): Promise<TestResponse> {
  const res = await t.request('POST', `/v1/customers/${customerId}/orders`, {
    as,
    body: {
      lineItems: lines.map((l, i) => ({
        lineItemNumber: l.lineItemNumber ?? i,
        offerId: l.offerId,
        quantity: l.quantity ?? 1,
      })),
    },
  });
  return res;
}

export async function placeOrderOk(t: TestApp, as: Caller, customerId: string, lines: LineInput[]): Promise<Json> {
  const res = await placeOrder(t, as, customerId, lines);
  if (res.status !== 201) throw new Error(`place order: ${res.status} ${res.text}`);
  return { ...res.body, position: Number(res.headers.get('x-event-position')) };
}

export const softwareIdOf = (orderId: string, lineItemNumber: number): string => `${orderId}_${lineItemNumber}`;

export const orderPath = (customerId: string, orderId: string): string =>
  `/v1/customers/${customerId}/orders/${orderId}`;

export const cancelBody = (lineItemNumbers?: number[]): Record<string, unknown> => ({
  status: 'cancelled',
  acknowledgedCancellationNotice: true,
  ...(lineItemNumbers ? { lineItems: lineItemNumbers.map((n) => ({ lineItemNumber: n })) } : {}),
});

export const eventStore = (t: TestApp): EventStore => t.app.get<EventStore>(EVENT_STORE);

export async function readAllEvents(t: TestApp): Promise<RecordedEvent[]> {
  const store = eventStore(t);
  const out: RecordedEvent[] = [];
  let after = 0;
  for (;;) {
    const batch = await store.readAll({ after, maxCount: 1000 });
    out.push(...batch.events);
    if (batch.events.length === 0 || batch.isEnd) break;
    after = batch.lastPosition;
  }
  return out;
}

/** Events the worker appends on its own (propagation, overdue propagation, window reminders), not requests. */
export const WORKER_EVENT_TYPES: ReadonlySet<string> = new Set([
  'CancellationPropagated',
  'CancellationPropagationOverdue',
  'CancellationWindowClosing',
]);

/**
 * The events requests caused in a stream. The in-process worker may append its own events at any moment
 * (WORKER_EVENT_TYPES); they are left out so that the suites assert what the requests did.
 */
export async function streamEvents(t: TestApp, streamId: string): Promise<RecordedEvent[]> {
  return (await eventStore(t).readStream(streamId)).events.filter((e) => !WORKER_EVENT_TYPES.has(e.type));
}

/** Problem+json shape (RFC 9457 plus our stable `code`). */
export function expectProblem(res: TestResponse, status: number, code?: string): void {
  expect({ status: res.status, body: res.body }).toMatchObject({ status, body: { status } });
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(typeof res.body.title).toBe('string');
  expect(typeof res.body.detail).toBe('string');
  expect(res.body.code).toMatch(/^[a-z][a-z0-9_]*$/);
  if (code) expect(res.body.code).toBe(code);
}

export const fieldsOf = (res: TestResponse): string[] =>
  ((res.body?.errors ?? []) as Array<{ field: string; message: string }>).map((e) => e.field);

/** Integer half-even rounding of a / b for non-negative bigints. */
export function divHalfEven(a: bigint, b: bigint): bigint {
  const q = a / b;
  const r = a % b;
  if (r * 2n > b) return q + 1n;
  if (r * 2n < b) return q;
  return q % 2n === 0n ? q : q + 1n;
}

/** Calendar days from the purchase's UTC date to the same date `years` later (end-of-month clamped). */
export function termDaysOf(placedAt: Date, years: number): number {
  const y = placedAt.getUTCFullYear() + years;
  const m = placedAt.getUTCMonth();
  const lastDay = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  const end = Date.UTC(y, m, Math.min(placedAt.getUTCDate(), lastDay));
  const start = Date.UTC(placedAt.getUTCFullYear(), m, placedAt.getUTCDate());
  return Math.round((end - start) / DAY);
}

/** DOMAIN.md: credit = price × (termDays − daysUsed) / termDays, daysUsed = started days, half-even once per line. */
export function expectedProratedCredit(lineTotalMinor: number, placedAt: Date, now: Date, years: number): number {
  const termDays = termDaysOf(placedAt, years);
  const daysUsed = Math.floor((now.getTime() - placedAt.getTime()) / DAY) + 1;
  return Number(divHalfEven(BigInt(lineTotalMinor) * BigInt(termDays - daysUsed), BigInt(termDays)));
}

/** Minor units → the API's decimal string for a currency with `digits` minor digits. */
export function formatMinor(minor: number, digits: number): string {
  if (digits === 0) return String(minor);
  const s = String(minor).padStart(digits + 1, '0');
  return `${s.slice(0, -digits)}.${s.slice(-digits)}`;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

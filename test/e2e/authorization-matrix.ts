import { ALL_ROLES } from './e2e-helpers';

/**
 * DOMAIN.md's role table, declared once as data: every route of API.md the service serves, who it serves,
 * and how another tenant is answered. `expectedStatus` turns it into the status of each (route, caller) cell;
 * the matrix suite sends every cell through real HTTP. Written from DOMAIN.md, not from the application.
 */

export type RoleName = (typeof ALL_ROLES)[number];

/** Whose token: the tenant the fixtures belong to (own), or another one (foreign); a partner's or a customer's. */
export type Side = 'own partner' | 'own customer' | 'foreign partner' | 'foreign customer';
export const SIDES: readonly Side[] = ['own partner', 'own customer', 'foreign partner', 'foreign customer'];

/** A caller: a side with one role (or none), or no token at all. */
export type CallerSpec = { side: Side; role: RoleName | 'no role' } | 'no token';
export const CALLERS: readonly CallerSpec[] = [
  ...SIDES.flatMap((side) => [...ALL_ROLES, 'no role' as const].map((role) => ({ side, role }))),
  'no token',
];
export const callerName = (c: CallerSpec): string => (c === 'no token' ? c : `${c.side} ${c.role}`);

/**
 * `partner` / `customer`: the roles that may use the route in a partner tenant and in a customer's own tenant
 * ('any': every authenticated caller of that kind, with or without a role).
 * `foreign`: what a foreign tenant allowed by its roles gets: 404 (the route names the own tenant's customer or
 * order, ids do not leak) or `own` (the route is about the caller's own tenant: its own, here empty, data).
 */
export interface RouteSpec {
  route: string;
  ok: 200 | 201 | 202 | 204;
  partner: readonly RoleName[] | 'any';
  customer: readonly RoleName[] | 'any';
  foreign: 404 | 'own';
  /** No token needed: everybody gets `ok` (the signed link is the credential; probes and docs are open). */
  public?: true;
}

const PARTNER_ADMINS: RoleName[] = ['AdminAgent', 'GlobalAdmin'];
const ACTIVITY_LOG: RoleName[] = ['GlobalAdmin', 'AccountAdmin', 'ReferralAdmin', 'MarketingContentAdmin', 'Auditor'];
const NONE: RoleName[] = [];
const c = '/v1/customers/{customerId}';
const o = `${c}/orders/{orderId}`;
const kms = `${c}/kmsmigration`;

// prettier-ignore
export const MATRIX: readonly RouteSpec[] = [
  // customers and catalog: partners register and read their customers; a customer reads no customer record
  { route: 'POST /v1/customers',                                   ok: 201, partner: PARTNER_ADMINS,  customer: NONE,           foreign: 'own' },
  { route: 'GET /v1/customers',                                    ok: 200, partner: PARTNER_ADMINS,  customer: NONE,           foreign: 'own' },
  { route: `GET ${c}`,                                             ok: 200, partner: PARTNER_ADMINS,  customer: NONE,           foreign: 404 },
  { route: 'GET /v1/offers?country=PL',                            ok: 200, partner: 'any',           customer: 'any',          foreign: 'own' },
  // orders: partner admins place and read; only AdminAgent cancels; a customer's users see no order
  { route: `POST ${c}/orders`,                                     ok: 201, partner: PARTNER_ADMINS,  customer: NONE,           foreign: 404 },
  { route: `GET ${c}/orders`,                                      ok: 200, partner: PARTNER_ADMINS,  customer: NONE,           foreign: 404 },
  { route: `GET ${o}`,                                             ok: 200, partner: PARTNER_ADMINS,  customer: NONE,           foreign: 404 },
  { route: `GET ${o}?asOf={now}`,                                  ok: 200, partner: PARTNER_ADMINS,  customer: NONE,           foreign: 404 },
  { route: `GET ${o}/cancellationeligibility`,                     ok: 200, partner: PARTNER_ADMINS,  customer: NONE,           foreign: 404 },
  { route: `GET ${o}/provisioningstatus`,                          ok: 200, partner: PARTNER_ADMINS,  customer: NONE,           foreign: 404 },
  { route: `PATCH ${o}`,                                           ok: 200, partner: ['AdminAgent'],  customer: NONE,           foreign: 404 },
  // software: the partner's AdminAgent, or the customer's own GlobalAdmin (admin center path)
  { route: `GET ${c}/software`,                                    ok: 200, partner: ['AdminAgent'],  customer: ['GlobalAdmin'], foreign: 404 },
  { route: `POST ${c}/software/{softwareId}/key`,                  ok: 200, partner: ['AdminAgent'],  customer: ['GlobalAdmin'], foreign: 404 },
  { route: `POST ${c}/software/{softwareId}/downloadlinks`,        ok: 201, partner: ['AdminAgent'],  customer: ['GlobalAdmin'], foreign: 404 },
  { route: 'GET /v1/downloads/{token}',                            ok: 200, partner: 'any',           customer: 'any',          foreign: 'own', public: true },
  // activity log, event history, credits: partner roles only, each about the caller's own tenant
  { route: 'GET /v1/auditrecords',                                 ok: 200, partner: ACTIVITY_LOG,    customer: NONE,           foreign: 'own' },
  { route: 'GET /v1/auditrecords?customerId={customerId}',         ok: 200, partner: ACTIVITY_LOG,    customer: NONE,           foreign: 404 },
  { route: 'GET /v1/events',                                       ok: 200, partner: ['Auditor'],     customer: NONE,           foreign: 'own' },
  { route: `GET ${o}/events`,                                      ok: 200, partner: ['Auditor'],     customer: NONE,           foreign: 404 },
  { route: 'GET /v1/credits?period={period}',                      ok: 200, partner: ['BillingAdmin'], customer: NONE,          foreign: 'own' },
  { route: 'GET /v1/credits?period={period}&customerId={customerId}', ok: 200, partner: ['BillingAdmin'], customer: NONE,       foreign: 404 },
  // audit trail (issue 17): the Auditor, about its own tenant's log (an event of another log is 404)
  { route: 'GET /v1/audit/keys',                                   ok: 200, partner: ['Auditor'],     customer: NONE,           foreign: 'own' },
  { route: 'GET /v1/audit/digests',                                ok: 200, partner: ['Auditor'],     customer: NONE,           foreign: 'own' },
  { route: 'GET /v1/audit/digests/latest',                         ok: 200, partner: ['Auditor'],     customer: NONE,           foreign: 'own' },
  { route: 'GET /v1/audit/proofs/inclusion?eventId={auditEventId}&treeSize=1', ok: 200, partner: ['Auditor'], customer: NONE, foreign: 404 },
  { route: 'GET /v1/audit/proofs/consistency?first=1&second=1',    ok: 200, partner: ['Auditor'],     customer: NONE,           foreign: 'own' },
  { route: 'GET /v1/events/export',                                ok: 200, partner: ['Auditor'],     customer: NONE,           foreign: 'own' },
  // finance feeds (issue 16): BillingAdmin, each about the caller's own tenant (a foreign partner has its own statements)
  { route: 'GET /v1/credits/changes',                              ok: 200, partner: ['BillingAdmin'], customer: NONE,          foreign: 'own' },
  { route: 'POST /v1/credits/statements',                          ok: 201, partner: ['BillingAdmin'], customer: NONE,          foreign: 'own' },
  { route: 'GET /v1/credits/statements',                           ok: 200, partner: ['BillingAdmin'], customer: NONE,          foreign: 'own' },
  { route: 'GET /v1/credits/statements/{closedPeriod}',            ok: 200, partner: ['BillingAdmin'], customer: NONE,          foreign: 'own' },
  // webhooks (issue 16): BillingAdmin; another partner's endpoint or delivery is a 404
  { route: 'POST /v1/webhooks/endpoints',                          ok: 201, partner: ['BillingAdmin'], customer: NONE,          foreign: 'own' },
  { route: 'GET /v1/webhooks/endpoints',                           ok: 200, partner: ['BillingAdmin'], customer: NONE,          foreign: 'own' },
  { route: 'GET /v1/webhooks/endpoints/{endpointId}',              ok: 200, partner: ['BillingAdmin'], customer: NONE,          foreign: 404 },
  { route: 'PATCH /v1/webhooks/endpoints/{endpointId}',            ok: 200, partner: ['BillingAdmin'], customer: NONE,          foreign: 404 },
  { route: 'POST /v1/webhooks/endpoints/{endpointId}/secret/rotate', ok: 200, partner: ['BillingAdmin'], customer: NONE,        foreign: 404 },
  { route: 'POST /v1/webhooks/endpoints/{endpointId}/replay',      ok: 202, partner: ['BillingAdmin'], customer: NONE,          foreign: 404 },
  { route: 'GET /v1/webhooks/deliveries',                          ok: 200, partner: ['BillingAdmin'], customer: NONE,          foreign: 'own' },
  { route: 'GET /v1/webhooks/deliveries/{deliveryId}/attempts',    ok: 200, partner: ['BillingAdmin'], customer: NONE,          foreign: 404 },
  { route: 'POST /v1/webhooks/deliveries/{deliveryId}/retry',      ok: 202, partner: ['BillingAdmin'], customer: NONE,          foreign: 404 },
  { route: 'DELETE /v1/webhooks/endpoints/{deletedEndpointId}',    ok: 204, partner: ['BillingAdmin'], customer: NONE,          foreign: 404 },
  // support: the partner's AdminAgent, about its own customer and order (named in the body)
  { route: 'POST /v1/supportrequests',                             ok: 201, partner: ['AdminAgent'],  customer: NONE,           foreign: 404 },
  // KMS → MAK migration: read by the partner's AdminAgent and the customer's GlobalAdmin, changed by AdminAgent
  { route: `GET ${kms}`,                                           ok: 200, partner: ['AdminAgent'],  customer: ['GlobalAdmin'], foreign: 404 },
  { route: `GET ${kms}/devicegroups`,                              ok: 200, partner: ['AdminAgent'],  customer: ['GlobalAdmin'], foreign: 404 },
  { route: `GET ${kms}/devicegroups/{groupId}`,                    ok: 200, partner: ['AdminAgent'],  customer: ['GlobalAdmin'], foreign: 404 },
  { route: `POST ${kms}/devicegroups`,                             ok: 201, partner: ['AdminAgent'],  customer: NONE,           foreign: 404 },
  { route: `POST ${kms}/devicegroups/import`,                      ok: 201, partner: ['AdminAgent'],  customer: NONE,           foreign: 404 },
  { route: `POST ${kms}/devicegroups/{groupId}/makdeployments`,    ok: 201, partner: ['AdminAgent'],  customer: NONE,           foreign: 404 },
  // key pool: the partner's AdminAgent imports and tunes; its Auditor also reads the stock (each its own pool)
  { route: 'POST /v1/keypool/imports',                             ok: 201, partner: ['AdminAgent'],  customer: NONE,           foreign: 'own' },
  { route: 'GET /v1/keypool/stock',                                ok: 200, partner: ['AdminAgent', 'Auditor'], customer: NONE, foreign: 'own' },
  { route: 'PUT /v1/keypool/stock/{offerId}/{version}/lowwatermark', ok: 200, partner: ['AdminAgent'], customer: NONE,          foreign: 'own' },
  // operations (the operator surface, /metrics and /admin/queues, has its own credential and suite)
  { route: 'GET /health/live',                                     ok: 200, partner: 'any',           customer: 'any',          foreign: 'own', public: true },
  { route: 'GET /health/ready',                                    ok: 200, partner: 'any',           customer: 'any',          foreign: 'own', public: true },
  { route: 'GET /docs-json',                                       ok: 200, partner: 'any',           customer: 'any',          foreign: 'own', public: true },
];

/** Routes of the app outside the tenant role table: the operator's (OPERATOR_TOKEN, METRICS_TOKEN; own suite). */
export const OPERATOR_ROUTES: readonly string[] = ['GET /metrics'];

/** `GET /v1/credits?period={period}` → `GET /v1/credits`: the operation of a route, as the OpenAPI document names it. */
export const operationOf = (route: string): string =>
  route.split('?')[0]!.replace('{closedPeriod}', '{period}').replace('{deletedEndpointId}', '{endpointId}');

const allows = (roles: readonly RoleName[] | 'any', role: RoleName | 'no role'): boolean =>
  roles === 'any' || (role !== 'no role' && roles.includes(role));

/**
 * DOMAIN.md: 401 without a token; 403 for a caller whose roles (in a partner's or a customer's tenant) do not
 * allow the action, whatever it names; 404 for an allowed caller naming another tenant's customer or order.
 */
export function expectedStatus(spec: RouteSpec, caller: CallerSpec): number {
  if (spec.public) return spec.ok;
  if (caller === 'no token') return 401;
  const kind = caller.side.endsWith('partner') ? spec.partner : spec.customer;
  if (!allows(kind, caller.role)) return 403;
  if (caller.side.startsWith('own') || spec.foreign === 'own') return spec.ok;
  return 404;
}

import { randomMak } from '../support/product-keys';
import { PERPETUAL_OFFER } from './chaos-helpers';

export type Kind = 'string' | 'int' | 'bool' | 'array' | 'object' | 'enum';
export interface Field {
  path: (string | number)[];
  kind: Kind;
}
export interface Template {
  base: Record<string, unknown>;
  /** Required fields: each must be present and of its kind, so a wrong type or its absence is a 400. */
  required: Field[];
  /** Optional fields: absent is fine, a wrong type (null included) is a 400. */
  optional?: Field[];
}

// Valid bodies of the command endpoints we know; the fuzz only ever sends broken variants of them.
export const TEMPLATES: Record<string, Template> = {
  'post /v1/customers': {
    base: { companyName: 'Fuzz Co', domain: 'fuzz.example.com', country: 'PL' },
    required: [
      { path: ['companyName'], kind: 'string' },
      { path: ['domain'], kind: 'string' },
      { path: ['country'], kind: 'string' },
    ],
  },
  'post /v1/customers/{customerId}/orders': {
    base: { lineItems: [{ lineItemNumber: 0, offerId: PERPETUAL_OFFER, quantity: 1 }] },
    required: [
      { path: ['lineItems'], kind: 'array' },
      { path: ['lineItems', 0, 'lineItemNumber'], kind: 'int' },
      { path: ['lineItems', 0, 'offerId'], kind: 'string' },
      { path: ['lineItems', 0, 'quantity'], kind: 'int' },
    ],
  },
  'patch /v1/customers/{customerId}/orders/{orderId}': {
    base: { status: 'cancelled', acknowledgedCancellationNotice: true },
    required: [{ path: ['status'], kind: 'enum' }],
    optional: [{ path: ['acknowledgedCancellationNotice'], kind: 'bool' }],
  },
  'post /v1/customers/{customerId}/software/{softwareId}/key': {
    base: { version: '2022' },
    required: [{ path: ['version'], kind: 'string' }],
  },
  'post /v1/customers/{customerId}/software/{softwareId}/downloadlinks': {
    base: { version: '2022', language: 'en-US', bitness: 'x64' },
    required: [
      { path: ['version'], kind: 'string' },
      { path: ['language'], kind: 'string' },
      { path: ['bitness'], kind: 'string' },
    ],
  },
  'post /v1/supportrequests': {
    base: {
      problemType: 'CSP Purchase/Refund on behalf of customers',
      impact: 'moderate',
      title: 'Refund',
      description: {
        customerTenantIdOrDomain: 'fuzz.example.com',
        orderIdOrSubscriptionId: 'order-1',
        refundReason: 'fuzz',
        amountRequested: { amount: '1.00', currencyCode: 'PLN' },
      },
      contact: { name: 'Fuzz', email: 'fuzz@example.com', phone: '+48 123' },
    },
    required: [
      { path: ['problemType'], kind: 'string' },
      { path: ['impact'], kind: 'string' },
      { path: ['title'], kind: 'string' },
      { path: ['description'], kind: 'object' },
      { path: ['contact'], kind: 'object' },
      { path: ['contact', 'email'], kind: 'string' },
      { path: ['description', 'amountRequested'], kind: 'object' },
    ],
  },
  'post /v1/customers/{customerId}/kmsmigration/devicegroups': {
    base: { name: 'Fuzz PCs', deviceCount: 5, lastKmsActivationAt: '2024-03-01' },
    required: [
      { path: ['name'], kind: 'string' },
      { path: ['lastKmsActivationAt'], kind: 'string' },
    ],
  },
  'post /v1/customers/{customerId}/kmsmigration/devicegroups/{groupId}/makdeployments': {
    base: { method: 'manual' },
    required: [{ path: ['method'], kind: 'string' }],
  },
  'post /v1/keypool/imports': {
    // A fresh key on every use: the same key twice is refused as already in the pool.
    get base() {
      return { keys: [{ offerId: PERPETUAL_OFFER, version: '2022', productKey: randomMak() }] };
    },
    required: [{ path: ['keys'], kind: 'array' }],
  },
  'post /v1/credits/statements': {
    base: { period: '2026-10' },
    required: [{ path: ['period'], kind: 'string' }],
  },
  'post /v1/webhooks/endpoints': {
    base: { url: 'http://127.0.0.1:9/hooks', eventTypes: ['credit.posted'], description: 'Fuzz ERP' },
    required: [
      { path: ['url'], kind: 'string' },
      { path: ['eventTypes'], kind: 'array' },
    ],
    optional: [{ path: ['description'], kind: 'string' }],
  },
  'patch /v1/webhooks/endpoints/{endpointId}': {
    base: { description: 'Fuzz ERP, renamed', eventTypes: ['order.placed'], disabled: false },
    required: [],
    optional: [
      { path: ['url'], kind: 'string' },
      { path: ['eventTypes'], kind: 'array' },
      { path: ['description'], kind: 'string' },
      { path: ['disabled'], kind: 'bool' },
    ],
  },
  'post /v1/webhooks/endpoints/{endpointId}/replay': {
    base: { fromPosition: 0 },
    required: [],
    optional: [
      { path: ['fromPosition'], kind: 'int' },
      { path: ['since'], kind: 'string' },
    ],
  },
  'put /v1/keypool/stock/{offerId}/{version}/lowwatermark': {
    base: { lowWatermark: 5 },
    required: [{ path: ['lowWatermark'], kind: 'int' }],
  },
};

/** Bodies that are not JSON: a valid CSV import. */
export const RAW_BODIES: Record<string, { contentType: string; text: string }> = {
  'post /v1/customers/{customerId}/kmsmigration/devicegroups/import': {
    contentType: 'text/csv',
    text: 'name,deviceCount,lastKmsActivationAt\nFuzz PCs,5,2024-03-01\n',
  },
};

import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { PROBLEM_SCHEMA, problemResponseObject } from '../errors/problem-details.dto';
import { CORRELATION_ID_HEADER, REQUEST_ID_HEADER } from '../request-context/request-context';

export interface OpenApiDocumentOptions {
  title?: string;
  description?: string;
  version?: string;
}

export const BEARER_SCHEME = 'bearer';

/** Relative: the service that serves the document (/docs-json), wherever it is deployed. */
export const SERVER_URL = '/';

const DESCRIPTION = [
  'Event-sourced order backend for Microsoft CSP resellers, following the Partner Center REST conventions.',
  '',
  '- **Auth**: `Authorization: Bearer <JWT>` (claims `sub`, `upn`, `tid`, `roles`, `exp`). A signed download link ' +
    '(`GET /v1/downloads/{token}`) and the operations endpoints need none.',
  '- **Errors**: `application/problem+json` (RFC 9457) with a stable snake_case `code`; validation errors name ' +
    'every bad field in `errors`.',
  '- **Idempotency**: a command retried with the same `MS-RequestId` by the same caller returns the first result.',
  '- **Collections**: `{ totalCount, items, links: { self, next? }, attributes: { objectType: "Collection" } }`, ' +
    'paged with `size` and `continuationToken`.',
].join('\n');

const TAGS: { name: string; description: string }[] = [
  { name: 'customers', description: 'A partner’s customers (the customer id is its tenant GUID).' },
  { name: 'catalog', description: 'Offers of a market: prices in its currency, availability, cancellability.' },
  { name: 'orders', description: 'Orders placed on behalf of customers, their cancellation window and cancellation.' },
  { name: 'software', description: 'Purchased software: MAK keys and signed download links.' },
  { name: 'activity log', description: 'Key reveals, download links, downloads and order changes, for auditors.' },
  { name: 'event history', description: 'The event store’s history, read by auditors.' },
  { name: 'credits', description: 'Invoice credits that cancellations produce, for finance.' },
  { name: 'support', description: 'Support requests (e.g. a refund after the cancellation window).' },
  { name: 'kms-migration', description: 'A customer’s KMS → MAK migration plan and device groups.' },
  { name: 'operations', description: 'Health, metrics.' },
];

/**
 * The OpenAPI document of the app's controllers: what /docs-json serves and what `npm run openapi` writes to
 * openapi.json. It must not depend on the configuration, so that the committed file equals every running app's.
 */
export function buildOpenApiDocument(app: INestApplication, options: OpenApiDocumentOptions = {}): OpenAPIObject {
  const builder = new DocumentBuilder()
    .setTitle(options.title ?? 'csp-orders API')
    .setDescription(options.description ?? DESCRIPTION)
    .setVersion(options.version ?? '1')
    .setLicense('UNLICENSED', 'https://choosealicense.com/no-permission/')
    .addServer(SERVER_URL, 'This service (`npm start` locally: http://localhost:3000)')
    .addBearerAuth(
      {
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'JWT',
        description:
          'HS256 locally (AUTH_JWT_SECRET; `npm run token` mints one), RS256/ES256 from AUTH_JWKS_URL in production.',
      },
      BEARER_SCHEME,
    )
    .addSecurityRequirements(BEARER_SCHEME)
    .addGlobalParameters(
      {
        in: 'header',
        name: CORRELATION_ID_HEADER,
        required: false,
        schema: { type: 'string', format: 'uuid' },
        description: 'Echoed; generated when absent.',
      },
      {
        in: 'header',
        name: REQUEST_ID_HEADER,
        required: false,
        schema: { type: 'string', format: 'uuid' },
        description: 'Echoed; generated when absent. Retries of a command reuse it.',
      },
    );
  for (const tag of TAGS) builder.addTag(tag.name, tag.description);
  return completeOperations(SwaggerModule.createDocument(app, builder.build()));
}

/** Set by commands (setPositionHeader, libs/platform/src/http/position-header.ts). */
const POSITION_HEADER = 'X-Event-Position';
const IGNORED_HEADERS = ['accept', 'content-type', 'authorization'];
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

/**
 * Drops header parameters OpenAPI ignores, and adds what every authenticated operation may answer besides its
 * own problems: the per-tenant rate limit (the
 * RateLimitGuard runs on every route that needs a token) and a backing service being down.
 */
function completeOperations(document: OpenAPIObject): OpenAPIObject {
  document.components = {
    ...document.components,
    headers: {
      ...document.components?.headers,
      RequestId: {
        description: 'The request’s MS-RequestId (generated when absent)',
        schema: { type: 'string', format: 'uuid' },
      },
      CorrelationId: {
        description: 'The request’s MS-CorrelationId (generated when absent)',
        schema: { type: 'string', format: 'uuid' },
      },
      EventPosition: {
        description: 'The global position the command wrote: pass it as `minPosition` to read your writes',
        schema: { type: 'integer', minimum: 0 },
      },
    },
  };
  // RFC 9457: a problem may carry extension members (e.g. `closedAt`); the schema says so.
  const problem = document.components?.schemas?.[PROBLEM_SCHEMA];
  if (problem && !('$ref' in problem)) problem.additionalProperties = true;
  for (const item of Object.values(document.paths)) {
    for (const method of METHODS) {
      const operation = item[method];
      if (!operation) continue;
      // OpenAPI ignores these header parameters (`@Headers('accept')` would add one, required): content
      // negotiation is the responses' media types, auth the security schemes.
      operation.parameters = operation.parameters?.filter(
        (p) => !('in' in p) || p.in !== 'header' || !IGNORED_HEADERS.includes(p.name.toLowerCase()),
      );
      if (!operation.security || operation.security.length > 0) {
        for (const status of [429, 503]) operation.responses[String(status)] ??= problemResponseObject(status);
      }
      for (const [status, response] of Object.entries(operation.responses)) {
        if (!response || '$ref' in response) continue;
        response.headers = {
          ...response.headers,
          [REQUEST_ID_HEADER]: { $ref: '#/components/headers/RequestId' },
          [CORRELATION_ID_HEADER]: { $ref: '#/components/headers/CorrelationId' },
          ...(method !== 'get' && /^2/.test(status)
            ? { [POSITION_HEADER]: { $ref: '#/components/headers/EventPosition' } }
            : {}),
        };
      }
    }
  }
  return document;
}

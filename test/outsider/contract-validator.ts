import Ajv, { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Middleware } from 'openapi-fetch';
import { ROOT } from './service-process';

// Every response checked against the committed openapi.json with ajv: the status must be declared for the
// operation, and a JSON body must match the declared schema exactly (an object that lists its properties
// is closed unless the document says otherwise, so an undocumented field fails too).

type Schema = Record<string, unknown>;
type Document = {
  paths: Record<
    string,
    Record<string, { responses: Record<string, { content?: Record<string, { schema: Schema }> }> }>
  >;
  components: { schemas: Record<string, Schema> };
};

export const DOCUMENT: Document = JSON.parse(readFileSync(join(ROOT, 'openapi.json'), 'utf8'));
const DOC_ID = 'openapi.json';

/** OpenAPI 3.0 schema → JSON Schema: `nullable`, refs into the document, closed objects. */
function toJsonSchema(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(toJsonSchema);
  if (typeof schema !== 'object' || schema === null) return schema;
  const { nullable, ...rest } = schema as Schema;
  const out: Schema = {};
  for (const [key, value] of Object.entries(rest)) {
    if (key === '$ref' && typeof value === 'string') out.$ref = `${DOC_ID}${value}`;
    else if (key === 'properties') {
      out.properties = Object.fromEntries(Object.entries(value as Schema).map(([name, s]) => [name, toJsonSchema(s)]));
    } else if (key === 'example' || key === 'examples') continue;
    else out[key] = toJsonSchema(value);
  }
  if (out.properties && out.additionalProperties === undefined) out.additionalProperties = false;
  return nullable === true ? { anyOf: [out, { type: 'null' }] } : out;
}

const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema({
  $id: DOC_ID,
  components: {
    schemas: Object.fromEntries(Object.entries(DOCUMENT.components.schemas).map(([k, s]) => [k, toJsonSchema(s)])),
  },
});

const compiled = new Map<string, ValidateFunction>();

/** The problems of one response against the document; empty when it conforms. */
export function checkResponse(
  method: string,
  schemaPath: string,
  status: number,
  contentType: string,
  body: unknown,
): string[] {
  const where = `${method.toUpperCase()} ${schemaPath} → ${status}`;
  const operation = DOCUMENT.paths[schemaPath]?.[method.toLowerCase()];
  if (!operation) return [`${where}: the operation is not in openapi.json`];
  const response = operation.responses[String(status)];
  if (!response) return [`${where}: status not declared (declared: ${Object.keys(operation.responses).join(', ')})`];
  const mediaType = contentType.split(';')[0]!.trim().toLowerCase();
  const media = response.content?.[mediaType];
  if (!media) {
    const declared = Object.keys(response.content ?? {});
    return declared.length === 0 && body === undefined ? [] : [`${where}: ${mediaType} not declared (${declared})`];
  }
  if (!/json/.test(mediaType)) return [];
  const key = `${method} ${schemaPath} ${status} ${mediaType}`;
  let validate = compiled.get(key);
  if (!validate) {
    validate = ajv.compile(toJsonSchema(media.schema) as Schema);
    compiled.set(key, validate);
  }
  if (validate(body)) return [];
  return (validate.errors ?? []).map(
    (e) => `${where}: ${e.instancePath || '(body)'} ${e.message} ${JSON.stringify(e.params)}`,
  );
}

/** An openapi-fetch middleware that checks every response and collects what does not conform. */
export function contractChecker(): { middleware: Middleware; violations: string[]; checked: string[] } {
  const violations: string[] = [];
  const checked: string[] = [];
  const middleware: Middleware = {
    async onResponse({ request, response, schemaPath }) {
      const contentType = response.headers.get('content-type') ?? '';
      const text = /json/.test(contentType) ? await response.clone().text() : '';
      const body = text ? JSON.parse(text) : undefined;
      checked.push(`${request.method} ${schemaPath} ${response.status}`);
      violations.push(...checkResponse(request.method, schemaPath, response.status, contentType, body));
      return undefined;
    },
  };
  return { middleware, violations, checked };
}

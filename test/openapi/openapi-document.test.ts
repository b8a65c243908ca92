import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startTestApp, TestApp } from '../support/app';

const ROOT = resolve(__dirname, '../..');
const OPENAPI_FILE = join(ROOT, 'openapi.json');
const CLIENT_TYPES = join(ROOT, 'test/outsider/generated/openapi.d.ts');
const RUN = 'run `npm run openapi` and commit openapi.json and test/outsider/generated/openapi.d.ts';

type Operation = {
  operationId: string;
  security?: Record<string, string[]>[];
  requestBody?: { content: Record<string, { examples?: object; example?: unknown; schema?: { example?: unknown } }> };
  responses: Record<string, { content?: Record<string, { schema?: Record<string, unknown> }> }>;
};

/** Routes that take no bearer token: probes, metrics (its own static token) and signed download links. */
const ANONYMOUS = ['get /health/live', 'get /health/ready', 'get /metrics', 'get /v1/downloads/{token}'];
/** The probes have no client error to describe (redocly.yaml turns its operation-4xx-response rule off for them). */
const NO_CLIENT_ERRORS = ['get /health/live', 'get /health/ready'];

/** Prettier's format for that path (Prettier 3 is ESM inside: a child process, not an import under jest). */
const prettier = (text: string, filepath: string): string =>
  execFileSync(join(ROOT, 'node_modules/.bin/prettier'), ['--stdin-filepath', filepath], { input: text }).toString();

/** The running app's /docs-json is the committed openapi.json; the committed client types are generated from it. */
describe('OpenAPI document', () => {
  let t: TestApp;
  let document: { paths: Record<string, Record<string, Operation>>; security: unknown; servers: unknown[] };

  beforeAll(async () => {
    t = await startTestApp();
    const res = await t.request('GET', '/docs-json');
    expect(res.status).toBe(200);
    document = res.body;
  });
  afterAll(() => t?.close());

  it('equals the committed openapi.json', () => {
    const committed = readFileSync(OPENAPI_FILE, 'utf8');
    const served = prettier(JSON.stringify(document), OPENAPI_FILE);
    if (served !== committed) throw new Error(`openapi.json differs from the running app's /docs-json: ${RUN}.`);
  });

  it('generates the committed client types', () => {
    const dir = mkdtempSync(join(tmpdir(), 'csp-openapi-'));
    try {
      const out = join(dir, 'openapi.d.ts');
      execFileSync(join(ROOT, 'node_modules/.bin/openapi-typescript'), [OPENAPI_FILE, '-o', out], { stdio: 'pipe' });
      const generated = prettier(readFileSync(out, 'utf8'), CLIENT_TYPES);
      if (generated !== readFileSync(CLIENT_TYPES, 'utf8'))
        throw new Error(`test/outsider/generated/openapi.d.ts is not generated from openapi.json: ${RUN}.`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  const operations = (): [string, Operation][] =>
    Object.entries(document.paths).flatMap(([path, item]) =>
      Object.entries(item).map(([method, op]): [string, Operation] => [`${method} ${path}`, op]),
    );

  it('declares a 2xx response with a schema for every operation (204 No Content has none by definition)', () => {
    const missing = operations().filter(([, op]) => {
      const ok = Object.entries(op.responses).filter(([status]) => /^2\d\d$/.test(status));
      if (ok.some(([status, r]) => status === '204' && !r.content)) return false;
      return !ok.some(([, r]) =>
        Object.values(r.content ?? {}).some((m) => m.schema && Object.keys(m.schema).length > 0),
      );
    });
    expect(missing.map(([name]) => name)).toEqual([]);
  });

  it('declares problem+json responses with the Problem schema for every error', () => {
    const bad: string[] = [];
    for (const [name, op] of operations()) {
      const errors = Object.entries(op.responses).filter(([status]) => /^[45]\d\d$/.test(status));
      if (!NO_CLIENT_ERRORS.includes(name) && !errors.some(([status]) => status.startsWith('4')))
        bad.push(`${name}: no 4xx`);
      for (const [status, r] of errors) {
        const schema = r.content?.['application/problem+json']?.schema;
        if (schema?.$ref !== '#/components/schemas/Problem') bad.push(`${name} ${status}: not a Problem`);
      }
    }
    expect(bad).toEqual([]);
  });

  it('needs the bearer JWT everywhere except the anonymous routes, and names the servers', () => {
    expect(document.security).toEqual([{ bearer: [] }]);
    expect(document.servers.length).toBeGreaterThan(0);
    const anonymous = operations()
      .filter(([, op]) => op.security !== undefined && op.security.length === 0)
      .map(([name]) => name);
    expect(anonymous.sort()).toEqual([...ANONYMOUS].sort());
    for (const [name, op] of operations()) {
      if (ANONYMOUS.includes(name)) continue;
      expect([name, op.responses['401']]).toEqual([name, expect.anything()]);
    }
  });

  it('gives an example for every request body', () => {
    const missing = operations().filter(([, op]) =>
      Object.values(op.requestBody?.content ?? {}).some((m) => !m.examples && !m.example && !m.schema?.example),
    );
    expect(missing.map(([name]) => name)).toEqual([]);
  });
});

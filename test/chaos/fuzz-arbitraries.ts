import fc from 'fast-check';
import { Kind, Template } from './request-templates';

// Generators shared by the fuzz suites (test/chaos/fuzz-requests.test.ts).
export const BODY_LIMIT = 1024 * 1024;

/** What to send; a huge body is described, not generated, and built only when sent. */
export type Body =
  | { kind: 'none' }
  | { kind: 'json'; value: unknown; contentType?: string }
  | { kind: 'text'; text: string; contentType: string }
  | { kind: 'huge'; bytes: number; field: string };

export interface FuzzRequest {
  label: string;
  method: string;
  path: string;
  query: string;
  headers: Record<string, string>;
  body: Body;
  /** A command whose inputs are all bad: a 2xx answer would be a bug. */
  mustFail: boolean;
}

export const wrongTypeArb = (kind: Kind): fc.Arbitrary<unknown> => {
  const scalars = [
    fc.constant(null),
    fc.boolean(),
    fc.integer(),
    fc.double({ noNaN: true }).filter((d) => !Number.isInteger(d)),
  ];
  const containers = [
    fc.array(fc.jsonValue(), { maxLength: 3 }),
    fc.dictionary(fc.string(), fc.jsonValue(), { maxKeys: 3 }),
  ];
  switch (kind) {
    case 'string':
      return fc.oneof(...scalars, ...containers);
    case 'int':
      return fc.oneof(fc.string(), fc.constant('1'), ...scalars.filter((_, i) => i !== 2), ...containers);
    case 'bool':
      return fc.oneof(fc.string(), fc.constant('true'), fc.constant(null), fc.integer(), ...containers);
    case 'enum':
      return fc.oneof(
        fc.string().filter((s) => s !== 'cancelled'),
        fc.constant('CANCELLED'),
        ...scalars,
        ...containers,
      );
    case 'array':
      return fc.oneof(
        fc.constant([]),
        fc.string(),
        ...scalars,
        fc.dictionary(fc.string(), fc.jsonValue(), { maxKeys: 3 }),
      );
    case 'object':
      return fc.oneof(fc.string(), ...scalars, fc.array(fc.jsonValue(), { maxLength: 3 }));
  }
};

export const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

export function setAt(root: Record<string, unknown>, path: (string | number)[], value: unknown, remove = false): void {
  let node: Record<string | number, unknown> = root;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  const last = path.at(-1)!;
  if (remove) {
    if (Array.isArray(node)) node.splice(Number(last), 1);
    else delete node[last];
  } else node[last] = value;
}

/** A body that no endpoint should accept. */
export function bodyArb(template: Template | undefined): fc.Arbitrary<{ body: Body; mode: string }> {
  const base = template?.base ?? { fuzz: true };
  const modes: fc.Arbitrary<{ body: Body; mode: string }>[] = [
    // unknown fields are refused (forbidNonWhitelisted), also next to valid ones
    fc
      .tuple(
        fc.string({ minLength: 1 }).map((s) => `x_${s}`),
        fc.jsonValue(),
      )
      .map(([k, v]) => ({ body: { kind: 'json', value: { ...clone(base), [k]: v } } as Body, mode: 'unknown-field' })),
    // not JSON at all, or cut short
    fc.tuple(fc.nat(), fc.constantFrom('', '}', ',', ']]', '\u0000', 'garbage')).map(([n, tail]) => {
      const text = JSON.stringify(base);
      return {
        body: {
          kind: 'text',
          text: text.slice(0, 1 + (n % (text.length - 1))) + tail,
          contentType: 'application/json',
        } as Body,
        mode: 'bad-json',
      };
    }),
    // JSON, but not an object
    fc
      .oneof(fc.array(fc.jsonValue(), { maxLength: 3 }), fc.string(), fc.integer(), fc.constant(null), fc.boolean())
      .map((value) => ({ body: { kind: 'json', value } as Body, mode: 'not-an-object' })),
    // larger than BODY_LIMIT_BYTES
    fc
      .tuple(
        fc.integer({ min: BODY_LIMIT + 1, max: BODY_LIMIT + 64 * 1024 }),
        fc.string({ minLength: 1, maxLength: 12 }),
      )
      .map(([bytes, field]) => ({ body: { kind: 'huge', bytes, field } as Body, mode: 'oversized' })),
    // a valid JSON body under a media type we do not take
    fc
      .constantFrom(
        'text/plain',
        'application/xml',
        'application/x-www-form-urlencoded',
        'multipart/form-data; boundary=x',
      )
      .map((contentType) => ({
        body: { kind: 'json', value: { ...clone(base), x_fuzz: 1 }, contentType } as Body,
        mode: 'media-type',
      })),
  ];
  if (template) {
    const { required } = template;
    // Optional fields may be left out, but never sent with a wrong type.
    const typed = [...required, ...(template.optional ?? [])];
    modes.push(
      fc
        .integer({ min: 0, max: typed.length - 1 })
        .chain((i) => wrongTypeArb(typed[i]!.kind).map((v) => ({ i, v })))
        .map(({ i, v }) => {
          const value = clone(template.base);
          setAt(value, typed[i]!.path, v);
          return { body: { kind: 'json', value } as Body, mode: `wrong-type ${typed[i]!.path.join('.')}` };
        }),
    );
    // A body whose fields are all optional (a PATCH) has nothing to leave out.
    if (required.length > 0)
      modes.push(
        fc.integer({ min: 0, max: required.length - 1 }).map((i) => {
          const value = clone(template.base);
          setAt(value, required[i]!.path, undefined, true);
          return { body: { kind: 'json', value } as Body, mode: `missing ${required[i]!.path.join('.')}` };
        }),
      );
  }
  return fc.oneof(...modes);
}

export const junkIdArb: fc.Arbitrary<string> = fc.oneof(
  fc.uuid().map(encodeURIComponent),
  fc.string({ minLength: 1, maxLength: 40 }).map(encodeURIComponent),
  fc.constantFrom(
    '%',
    '%E0%A4%A',
    '..%2F..%2Fetc%2Fpasswd',
    '%00',
    'null',
    '-1',
    '0',
    'a'.repeat(3000),
    '%F0%9F%92%A9',
  ),
);

export const queryArb: fc.Arbitrary<string> = fc
  .dictionary(
    fc.constantFrom(
      'size',
      'continuationToken',
      'minPosition',
      'asOf',
      'country',
      'startDate',
      'endDate',
      'customerId',
      'operationType',
      'after',
      'type',
      'period',
      'status',
      'x_unknown',
    ),
    fc.oneof(
      fc.string({ maxLength: 30 }),
      fc.constantFrom(
        '-1',
        '0',
        '1e9',
        'NaN',
        'Infinity',
        '99999999999999999999999',
        '2020-13-45',
        '1000001',
        'true',
        '[]',
        '{}',
      ),
      fc.nat({ max: 5000 }).map((n) => 'z'.repeat(n)),
    ),
    { maxKeys: 4 },
  )
  .map((q) => new URLSearchParams(q).toString());

/** The bytes and media type a described body is sent as. */
export function payloadOf(body: Body): { payload?: string; contentType?: string } {
  switch (body.kind) {
    case 'json':
      return { payload: JSON.stringify(body.value), contentType: body.contentType ?? 'application/json' };
    case 'text':
      return { payload: body.text, contentType: body.contentType };
    case 'huge':
      return { payload: JSON.stringify({ [body.field]: 'x'.repeat(body.bytes) }), contentType: 'application/json' };
    case 'none':
      return {};
  }
}

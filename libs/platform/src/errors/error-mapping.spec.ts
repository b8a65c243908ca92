import { BadRequestException, ConflictException, HttpException, NotFoundException } from '@nestjs/common';
import { BodyTooDeepError, mapErrorToProblem, MalformedJsonError } from './error-mapping';
import { ProblemException } from './problem-details';
import { redactPath, scrubSecrets } from './scrub-secrets';

class FakeDomainError extends Error {
  constructor(
    readonly code: string,
    readonly kind: string,
    message: string,
    readonly data: Record<string, unknown> = {},
    readonly errors: unknown[] = [],
  ) {
    super(message);
  }
}

class WrongExpectedVersionError extends Error {
  readonly code = 'concurrency_conflict';
  constructor() {
    super('Stream order-1: expected version 3, actual 4');
    this.name = 'WrongExpectedVersionError';
  }
}

describe('mapErrorToProblem', () => {
  it.each([
    ['validation', 400],
    ['unauthorized', 401],
    ['forbidden', 403],
    ['not_found', 404],
    ['conflict', 409],
    ['gone', 410],
    ['unprocessable', 422],
    ['rate_limited', 429],
    ['unavailable', 503],
  ])('maps an application error of kind %s to %i with its code', (kind, status) => {
    const p = mapErrorToProblem(new FakeDomainError('some_code', kind, 'Something happened.'));
    expect(p).toMatchObject({ status, code: 'some_code', detail: 'Something happened.' });
    if (status === 503) expect(p.headers['retry-after']).toBe('5');
    if (status === 429) expect(p.headers['retry-after']).toBe('1');
  });

  it('keeps the domain error detail, data and field errors', () => {
    const e = Object.assign(
      new FakeDomainError(
        'cancellation_window_passed',
        'conflict',
        'msg',
        { windowEndsAt: '2025-01-31T00:00:00Z', productKey: 'X' },
        [{ field: 'lineItems[1].quantity', message: 'too big', code: 'bad_quantity' }],
      ),
      { detail: 'The cancellation window closed on 2025-01-31.' },
    );
    const p = mapErrorToProblem(e);
    expect(p.detail).toBe('The cancellation window closed on 2025-01-31.');
    expect(p.extensions).toEqual({ windowEndsAt: '2025-01-31T00:00:00Z' });
    expect(p.errors).toEqual([{ field: 'lineItems[1].quantity', message: 'too big', code: 'bad_quantity' }]);
  });

  it('ignores objects with an unknown kind', () => {
    expect(mapErrorToProblem(new FakeDomainError('x', 'weird', 'm')).status).toBe(500);
  });

  it('maps WrongExpectedVersionError to 409 concurrency_conflict', () => {
    expect(mapErrorToProblem(new WrongExpectedVersionError())).toMatchObject({
      status: 409,
      code: 'concurrency_conflict',
    });
  });

  it.each([
    ['EventStoreUnavailableError', Object.assign(new Error('down'), { name: 'EventStoreUnavailableError' })],
    ['ECONNREFUSED', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })],
    ['57P01', Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' })],
    ['08006', Object.assign(new Error('connection failure'), { code: '08006' })],
    ['wrapped', new Error('query failed', { cause: Object.assign(new Error('x'), { code: 'ECONNREFUSED' }) })],
  ])('maps %s to 503 service_unavailable with Retry-After 5', (_name, error) => {
    const p = mapErrorToProblem(error);
    expect(p).toMatchObject({ status: 503, code: 'service_unavailable', headers: { 'retry-after': '5' } });
    expect(p.detail).not.toMatch(/5432|ECONN/);
  });

  it('does not treat other pg errors as unavailability', () => {
    expect(mapErrorToProblem(Object.assign(new Error('duplicate key'), { code: '23505' })).status).toBe(500);
  });

  it('maps Nest HttpExceptions to their status and a code', () => {
    expect(mapErrorToProblem(new NotFoundException('Cannot GET /nope'))).toMatchObject({
      status: 404,
      code: 'not_found',
      detail: 'Cannot GET /nope',
    });
    expect(mapErrorToProblem(new ConflictException({ code: 'domain_taken', message: 'Taken.' }))).toMatchObject({
      status: 409,
      code: 'domain_taken',
      detail: 'Taken.',
    });
    expect(mapErrorToProblem(new HttpException('Request body is too large', 413))).toMatchObject({
      status: 413,
      code: 'payload_too_large',
    });
    expect(mapErrorToProblem(new HttpException('Unsupported Media Type: application/xml', 415))).toMatchObject({
      status: 415,
      code: 'unsupported_media_type',
    });
    expect(mapErrorToProblem(new BadRequestException(['a is bad', 'b is bad'])).detail).toBe('a is bad; b is bad');
  });

  it('maps malformed JSON to malformed_json', () => {
    expect(mapErrorToProblem(new MalformedJsonError())).toMatchObject({ status: 400, code: 'malformed_json' });
  });

  it('maps a too deeply nested body to body_too_deep, naming the limit', () => {
    expect(mapErrorToProblem(new BodyTooDeepError(32))).toMatchObject({
      status: 400,
      code: 'body_too_deep',
      detail: expect.stringContaining('32'),
      unexpected: false,
    });
  });

  it('hides everything about unexpected errors', () => {
    const p = mapErrorToProblem(new TypeError("Cannot read properties of undefined (reading 'secretThing')"));
    expect(p).toMatchObject({ status: 500, code: 'internal_error', unexpected: true });
    expect(p.detail).not.toMatch(/secretThing|TypeError/);
    expect(mapErrorToProblem(new HttpException('db password is hunter2', 500)).detail).not.toContain('hunter2');
  });

  it('passes ProblemException through, scrubbing product keys from the text', () => {
    const p = mapErrorToProblem(
      new ProblemException(410, 'revoked', 'Key ABCDE-FGHIJ-KLMNO-PQRST-UVWXY was revoked', { headers: { a: 'b' } }),
    );
    expect(p).toMatchObject({
      status: 410,
      code: 'revoked',
      headers: { a: 'b' },
      detail: 'Key [redacted] was revoked',
    });
  });
});

describe('scrubSecrets', () => {
  it('redacts product keys, JWTs and bearer tokens', () => {
    expect(scrubSecrets('key 12345-ABCDE-fghij-KLMNO-PQRST here')).toBe('key [redacted] here');
    expect(scrubSecrets('got eyJhbGciOi.eyJzdWIi.sig')).toBe('got [redacted]');
    expect(scrubSecrets('Authorization: Bearer abc.def')).toBe('Authorization: Bearer [redacted]');
    expect(scrubSecrets('order 3f2b8c1e-5d4a-4e7b-9c0d-1a2b3c4d5e6f')).toBe(
      'order 3f2b8c1e-5d4a-4e7b-9c0d-1a2b3c4d5e6f',
    );
    expect(redactPath('/v1/downloads/abc.def')).toBe('/v1/downloads/[redacted]');
  });
});

import { HttpException } from '@nestjs/common';
import { codeForStatus, FieldError, ProblemException, titleForStatus } from './problem-details';
import { scrubSecrets } from './scrub-secrets';

/** The body of a JSON request could not be parsed (thrown by our JSON content-type parser). */
export class MalformedJsonError extends Error {
  constructor() {
    super('The request body is not valid JSON.');
    this.name = 'MalformedJsonError';
  }
}

/** The body of a JSON request nests deeper than the limit (thrown by our JSON content-type parser). */
export class BodyTooDeepError extends Error {
  constructor(readonly maxDepth: number) {
    super(`The request body nests objects or arrays deeper than ${maxDepth} levels.`);
    this.name = 'BodyTooDeepError';
  }
}

/** What an error becomes on the wire, before the request's own members (instance, ids) are added. */
export interface MappedProblem {
  status: number;
  code: string;
  title: string;
  detail: string;
  errors?: FieldError[];
  headers: Record<string, string>;
  extensions: Record<string, unknown>;
  /** True for failures the caller could not cause: log them with the stack. */
  unexpected: boolean;
}

/** `kind` of an application/domain error (duck-typed: the domain library imports nothing from here). */
const KIND_STATUS: Record<string, number> = {
  validation: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  gone: 410,
  unprocessable: 422,
  rate_limited: 429,
  unavailable: 503,
};

const RESERVED = new Set([
  'type',
  'title',
  'status',
  'detail',
  'code',
  'instance',
  'correlationId',
  'requestId',
  'errors',
]);
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENOTFOUND',
  '57P01',
  '57P02',
  '57P03',
  '53300',
]);

export function mapErrorToProblem(error: unknown): MappedProblem {
  if (error instanceof ProblemException) {
    return {
      status: error.getStatus(),
      code: error.code,
      title: error.problemTitle,
      detail: scrubSecrets(error.detail),
      errors: error.errors?.map(scrubField),
      headers: { ...error.headers },
      extensions: safeExtensions(error.extensions),
      unexpected: error.getStatus() >= 500,
    };
  }
  if (error instanceof MalformedJsonError) {
    return problem(400, 'malformed_json', error.message);
  }
  if (error instanceof BodyTooDeepError) {
    return problem(400, 'body_too_deep', error.message);
  }
  if (isApplicationError(error)) {
    const status = KIND_STATUS[error.kind]!;
    const headers: Record<string, string> = {};
    if (status === 503 || status === 429)
      headers['retry-after'] = String(retryAfter(error) ?? (status === 503 ? 5 : 1));
    const detail = typeof error.detail === 'string' ? error.detail : error.message;
    const errors =
      Array.isArray(error.errors) && error.errors.length
        ? error.errors.filter(isFieldError).map(scrubField)
        : undefined;
    const extensions = { ...safeExtensions(error.details), ...safeExtensions(error.data) };
    return { ...problem(status, error.code, detail), errors, headers, extensions };
  }
  if (isNamed(error, 'WrongExpectedVersionError')) {
    return problem(
      409,
      'concurrency_conflict',
      'The resource was changed by another request at the same time; retry the request.',
    );
  }
  if (isNamed(error, 'EventStoreUnavailableError') || isConnectionError(error)) {
    return {
      ...problem(503, 'service_unavailable', 'A backing service is unavailable; retry shortly.'),
      headers: { 'retry-after': '5' },
      unexpected: true,
    };
  }
  if (error instanceof HttpException) return mapHttpException(error);
  return {
    ...problem(500, 'internal_error', 'An unexpected error occurred. Quote the correlation id when reporting it.'),
    unexpected: true,
  };
}

function mapHttpException(error: HttpException): MappedProblem {
  const status = error.getStatus();
  const response = error.getResponse();
  let code = codeForStatus(status);
  let detail = error.message;
  const headers: Record<string, string> = {};
  if (typeof response === 'object' && response !== null) {
    const r = response as Record<string, unknown>;
    if (typeof r.code === 'string' && /^[a-z][a-z0-9_]*$/.test(r.code)) code = r.code;
    if (typeof r.detail === 'string') detail = r.detail;
    else if (Array.isArray(r.message)) detail = r.message.map(String).join('; ');
    else if (typeof r.message === 'string') detail = r.message;
  } else if (typeof response === 'string') {
    detail = response;
  }
  // Fastify's own errors reach us as HttpExceptions with these statuses (body limit, media type).
  if (status === 413) detail = 'The request body is larger than the limit.';
  if (status === 429 || status === 503) headers['retry-after'] = status === 503 ? '5' : '1';
  // A thrown 5xx HttpException is ours: do not pass its text on.
  if (status >= 500) detail = 'An unexpected error occurred. Quote the correlation id when reporting it.';
  return { ...problem(status, code, detail), headers, unexpected: status >= 500 };
}

function problem(status: number, code: string, detail: string): MappedProblem {
  return {
    status,
    code,
    title: titleForStatus(status),
    detail: scrubSecrets(detail),
    headers: {},
    extensions: {},
    unexpected: false,
  };
}

interface ApplicationErrorLike {
  code: string;
  kind: string;
  message: string;
  detail?: unknown;
  errors?: unknown[];
  details?: unknown;
  data?: unknown;
  retryAfterSeconds?: unknown;
}

function isApplicationError(e: unknown): e is ApplicationErrorLike {
  if (typeof e !== 'object' || e === null) return false;
  const o = e as Record<string, unknown>;
  return typeof o.code === 'string' && typeof o.kind === 'string' && o.kind in KIND_STATUS;
}

function retryAfter(e: ApplicationErrorLike): number | undefined {
  const v = e.retryAfterSeconds;
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? Math.ceil(v) : undefined;
}

function isFieldError(e: unknown): e is FieldError {
  return (
    typeof e === 'object' &&
    e !== null &&
    typeof (e as FieldError).field === 'string' &&
    typeof (e as FieldError).message === 'string'
  );
}

function scrubField(e: FieldError): FieldError {
  return { ...e, message: scrubSecrets(e.message) };
}

function safeExtensions(value: unknown): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return {};
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (!RESERVED.has(k) && !/key|secret|token|password/i.test(k)) out[k] = v;
  }
  return out;
}

function isNamed(e: unknown, name: string): boolean {
  return e instanceof Error && (e.name === name || e.constructor?.name === name);
}

/** pg / network failures that mean "the database is not there right now", not a bug. */
export function isConnectionError(e: unknown, depth = 0): boolean {
  if (typeof e !== 'object' || e === null || depth > 3) return false;
  const code = (e as { code?: unknown }).code;
  if (typeof code === 'string' && (CONNECTION_CODES.has(code) || /^08[0-9A-Z]{3}$/.test(code))) return true;
  const message = (e as { message?: unknown }).message;
  if (
    typeof message === 'string' &&
    /Connection terminated|connection timeout|timeout exceeded when trying to connect/i.test(message)
  )
    return true;
  if (e instanceof AggregateError) return e.errors.some((x) => isConnectionError(x, depth + 1));
  return isConnectionError((e as { cause?: unknown }).cause, depth + 1);
}

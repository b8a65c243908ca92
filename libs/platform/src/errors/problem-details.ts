import { HttpException } from '@nestjs/common';

export interface FieldError {
  /** Path of the bad field, e.g. `lineItems[0].quantity`. */
  field: string;
  message: string;
}

/** RFC 9457 problem details, plus our stable `code` and the request's ids. */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  /** Stable machine-readable snake_case code. */
  code: string;
  /** The request path. */
  instance?: string;
  correlationId?: string;
  requestId?: string;
  errors?: FieldError[];
  [extension: string]: unknown;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json; charset=utf-8';

export function problemType(code: string): string {
  return `urn:csp-orders:problem:${code}`;
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  409: 'Conflict',
  410: 'Gone',
  412: 'Precondition Failed',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

const CODES: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  406: 'not_acceptable',
  409: 'conflict',
  410: 'gone',
  412: 'precondition_failed',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  422: 'unprocessable_entity',
  429: 'rate_limited',
  500: 'internal_error',
  501: 'not_implemented',
  502: 'bad_gateway',
  503: 'service_unavailable',
  504: 'gateway_timeout',
};

export function titleForStatus(status: number): string {
  return TITLES[status] ?? (status >= 500 ? 'Server Error' : 'Client Error');
}

export function codeForStatus(status: number): string {
  return CODES[status] ?? (status >= 500 ? 'internal_error' : 'bad_request');
}

export interface ProblemOptions {
  title?: string;
  errors?: FieldError[];
  /** Response headers (e.g. Retry-After, WWW-Authenticate). */
  headers?: Record<string, string>;
  /** Extra members of the problem object (e.g. `closedAt`). */
  extensions?: Record<string, unknown>;
  cause?: unknown;
}

/**
 * Throw this from anywhere in the HTTP layer to answer a specific problem. It is an HttpException,
 * so even Nest's default filter gives the right status.
 */
export class ProblemException extends HttpException {
  readonly code: string;
  readonly detail: string;
  readonly problemTitle: string;
  readonly errors?: FieldError[];
  readonly headers: Record<string, string>;
  readonly extensions: Record<string, unknown>;

  constructor(status: number, code: string, detail: string, options: ProblemOptions = {}) {
    super({ status, code, message: detail, detail, errors: options.errors }, status, { cause: options.cause });
    this.name = 'ProblemException';
    this.code = code;
    this.detail = detail;
    this.problemTitle = options.title ?? titleForStatus(status);
    this.errors = options.errors;
    this.headers = options.headers ?? {};
    this.extensions = options.extensions ?? {};
  }
}

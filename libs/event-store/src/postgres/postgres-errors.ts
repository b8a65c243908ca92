import { EventStoreUnavailableError } from '../event-store.port';

const NODE_CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);

// 57P01 admin_shutdown, 57P02 crash_shutdown, 57P03 cannot_connect_now, 53300 too_many_connections.
const PG_UNAVAILABLE_CODES = new Set(['57P01', '57P02', '57P03', '53300']);

const CONNECTION_MESSAGES = [
  'Connection terminated',
  'connection terminated',
  'timeout exceeded when trying to connect',
  'Client has encountered a connection error',
  'Connection ended unexpectedly',
  'terminating connection',
  'Client was closed and is not queryable',
];

/** True for errors that mean "PostgreSQL is not reachable right now" rather than a bad request. */
export function isConnectionError(error: unknown): boolean {
  // Duck-typed: errors from Node's net module may come from another realm (e.g. under Jest).
  if (typeof error !== 'object' || error === null) return false;
  const { code, message, errors } = error as { code?: unknown; message?: unknown; errors?: unknown };
  if (typeof code === 'string') {
    if (NODE_CONNECTION_CODES.has(code) || PG_UNAVAILABLE_CODES.has(code) || code.startsWith('08')) return true;
  }
  if (Array.isArray(errors) && errors.some(isConnectionError)) return true;
  return typeof message === 'string' && CONNECTION_MESSAGES.some((m) => message.includes(m));
}

/** Connection failures become EventStoreUnavailableError (HTTP 503); anything else is rethrown as is. */
export function toStoreError(error: unknown, operation: string): unknown {
  if (error instanceof EventStoreUnavailableError) return error;
  if (isConnectionError(error)) {
    return new EventStoreUnavailableError(`PostgreSQL event store unavailable during ${operation}`, error);
  }
  return error;
}

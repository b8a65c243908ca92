import { AsyncLocalStorage } from 'node:async_hooks';
import type { Principal } from '../auth/principal';

/** Per-request state that logs, events and the idempotency store read without threading it through calls. */
export interface RequestContext {
  correlationId: string;
  requestId: string;
  /** False when the caller sent no MS-RequestId and we generated one (then there is nothing to deduplicate on). */
  requestIdProvided: boolean;
  /** Set by the idempotency interceptor on a retry it lets run again (@Idempotent({ replay: false })). */
  retry?: boolean;
  /** Set by AuthGuard once the token is verified. */
  principal?: Principal;
}

const storage = new AsyncLocalStorage<RequestContext>();

/** The current request's context, or undefined outside a request (workers, boot). */
export function getRequestContext(): RequestContext | undefined {
  return storage.getStore();
}

export function runWithRequestContext<T>(context: RequestContext, fn: () => T): T {
  return storage.run(context, fn);
}

export const requestContextStorage = storage;

export const CORRELATION_ID_HEADER = 'MS-CorrelationId';
export const REQUEST_ID_HEADER = 'MS-RequestId';

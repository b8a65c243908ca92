import { randomUUID } from 'node:crypto';
import { AsyncResource } from 'node:async_hooks';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isGuid } from '../auth/principal';
import { ProblemException } from '../errors/problem-details';
import { CORRELATION_ID_HEADER, REQUEST_ID_HEADER, RequestContext, requestContextStorage } from './request-context';

declare module 'fastify' {
  interface FastifyRequest {
    requestContext?: RequestContext;
  }
}

const kResource = Symbol('requestContextResource');
type WithResource = FastifyRequest & { [kResource]?: AsyncResource };

/**
 * Reads MS-CorrelationId / MS-RequestId (generated when absent, 400 when not a GUID), echoes both on
 * every response (set in onRequest, so errors and 404s carry them too) and opens the AsyncLocalStorage
 * scope for the request.
 */
export function registerRequestContextHooks(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done: (err?: Error) => void) => {
    const correlation = readId(request, CORRELATION_ID_HEADER);
    const requestIdRead = readId(request, REQUEST_ID_HEADER);
    const context: RequestContext = {
      correlationId: correlation.value,
      requestId: requestIdRead.value,
      requestIdProvided: requestIdRead.provided,
    };
    request.requestContext = context;
    reply.header(CORRELATION_ID_HEADER, context.correlationId);
    reply.header(REQUEST_ID_HEADER, context.requestId);
    const invalid = correlation.invalid ?? requestIdRead.invalid;
    if (invalid) {
      done(
        new ProblemException(400, 'invalid_header', `The ${invalid} header must be a GUID.`, {
          errors: [{ field: invalid, message: `${invalid} must be a GUID` }],
        }),
      );
      return;
    }
    requestContextStorage.run(context, () => {
      const resource = new AsyncResource('csp-request-context');
      (request as WithResource)[kResource] = resource;
      resource.runInAsyncScope(done, undefined);
    });
  });
  // The body is read in the socket's async context, so the handler would lose the scope: re-enter it
  // (the same trick @fastify/request-context uses).
  fastify.addHook('preValidation', (request: FastifyRequest, _reply: FastifyReply, done: () => void) => {
    const resource = (request as WithResource)[kResource];
    if (resource) resource.runInAsyncScope(done, undefined);
    else done();
  });
}

function readId(request: FastifyRequest, header: string): { value: string; provided: boolean; invalid?: string } {
  const raw = request.headers[header.toLowerCase()];
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (value === undefined || value.trim() === '') return { value: randomUUID(), provided: false };
  const trimmed = value.trim();
  if (!isGuid(trimmed)) return { value: randomUUID(), provided: false, invalid: header };
  return { value: trimmed, provided: true };
}

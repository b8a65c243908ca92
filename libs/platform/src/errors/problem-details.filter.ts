import { ArgumentsHost, Catch, ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { CORRELATION_ID_HEADER, REQUEST_ID_HEADER } from '../request-context/request-context';
import { mapErrorToProblem } from './error-mapping';
import { redactPath } from './scrub-secrets';
import { PROBLEM_CONTENT_TYPE, ProblemDetails, problemType } from './problem-details';

/**
 * Every error of an HTTP request becomes application/problem+json (RFC 9457). Unexpected ones are
 * logged with the correlation id and answered with a bare 500: no message, no stack.
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  constructor(private readonly logger?: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const ctx = request.requestContext;
    const mapped = mapErrorToProblem(exception);

    const body: ProblemDetails = {
      ...mapped.extensions,
      type: problemType(mapped.code),
      title: mapped.title,
      status: mapped.status,
      detail: mapped.detail,
      code: mapped.code,
      instance: pathOf(request),
      correlationId: ctx?.correlationId,
      requestId: ctx?.requestId,
      ...(mapped.errors?.length ? { errors: mapped.errors } : {}),
    };

    const log = {
      err: exception,
      status: mapped.status,
      code: mapped.code,
      method: request.method,
      path: body.instance,
    };
    if (mapped.unexpected)
      this.logger?.error({ ...log, correlationId: ctx?.correlationId, requestId: ctx?.requestId }, 'request failed');
    else this.logger?.debug({ ...log, err: undefined, detail: mapped.detail }, 'request refused');

    if (reply.sent) return;
    reply.status(mapped.status);
    reply.header('content-type', PROBLEM_CONTENT_TYPE);
    // Re-set in case the failure happened before or while the hook ran.
    if (ctx) {
      reply.header(CORRELATION_ID_HEADER, ctx.correlationId);
      reply.header(REQUEST_ID_HEADER, ctx.requestId);
    }
    for (const [name, value] of Object.entries(mapped.headers)) reply.header(name, value);
    reply.send(JSON.stringify(body));
  }
}

function pathOf(request: FastifyRequest): string {
  const url = request.url ?? '/';
  const q = url.indexOf('?');
  return redactPath(q === -1 ? url : url.slice(0, q));
}

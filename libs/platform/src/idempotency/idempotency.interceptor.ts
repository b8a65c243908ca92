import { CallHandler, ExecutionContext, Inject, Injectable, Logger, NestInterceptor, Optional } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { defer, from, lastValueFrom, Observable } from 'rxjs';
import { ProblemException } from '../errors/problem-details';
import { canonicalJson, sha256Hex } from './canonical-json';
import { IDEMPOTENT_KEY, IdempotentOptions } from './idempotent.decorator';
import { FirstUse, IdempotencyKey, IdempotencyStore, StoredResponse } from './idempotency.store';

export const IDEMPOTENT_REPLAY_HEADER = 'x-idempotent-replay';
/** Response headers worth replaying; the ids are echoed fresh by the request-context hook. */
const REPLAYED_HEADERS = ['location', 'etag', 'content-location', 'last-modified'];

export interface IdempotencyInterceptorOptions {
  /** How long a duplicate waits for the first attempt to finish before answering 409. */
  waitMs?: number;
  pollMs?: number;
}

export const IDEMPOTENCY_OPTIONS = Symbol('IDEMPOTENCY_OPTIONS');

/**
 * Global; acts only on @Idempotent() handlers whose request carried an MS-RequestId. Claims the key (caller +
 * request id) before the handler, stores the response after a success, frees the key after a failure. The
 * same key with another route or body is 422 `request_id_reused`, naming the first use.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  private readonly logger = new Logger('Idempotency');
  private readonly waitMs: number;
  private readonly pollMs: number;

  constructor(
    private readonly store: IdempotencyStore,
    private readonly reflector: Reflector,
    @Optional() @Inject(IDEMPOTENCY_OPTIONS) options?: IdempotencyInterceptorOptions,
  ) {
    this.waitMs = options?.waitMs ?? 5_000;
    this.pollMs = options?.pollMs ?? 25;
  }

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const marked =
      context.getType() === 'http'
        ? this.reflector.get<IdempotentOptions | undefined>(IDEMPOTENT_KEY, context.getHandler())
        : undefined;
    if (!marked) return next.handle();
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    const ctx = request.requestContext;
    // No MS-RequestId from the caller: nothing to recognise a retry by.
    if (!ctx?.requestIdProvided) return next.handle();
    const principal = request.principal;
    const key: IdempotencyKey = {
      tenantId: principal?.tenantId ?? '-',
      userId: principal?.userId ?? '-',
      requestId: ctx.requestId,
      operation: `${request.method} ${request.routeOptions?.url ?? request.url}`,
    };
    // The concrete path belongs in the hash: the same id on another customer's URL is a different request.
    const bodyHash = sha256Hex(`${request.method} ${request.url}\n${canonicalJson(request.body)}`);
    return defer(() => from(this.run(key, bodyHash, marked.replay !== false, request, reply, next)));
  }

  private async run(
    key: IdempotencyKey,
    bodyHash: string,
    replayable: boolean,
    request: FastifyRequest,
    reply: FastifyReply,
    next: CallHandler,
  ): Promise<unknown> {
    const deadline = Date.now() + this.waitMs;
    for (;;) {
      const begun = await this.store.begin(key, bodyHash);
      switch (begun.outcome) {
        case 'started':
          return this.execute(key, replayable, reply, next);
        case 'replay':
          if (replayable) return replay(begun.response, reply);
          // Decided and recorded again, as a retry; the first record stays as it is.
          if (request.requestContext) request.requestContext.retry = true;
          return lastValueFrom(next.handle(), { defaultValue: undefined });
        case 'mismatch':
          throw requestIdReused(begun.firstUse);
        case 'in_progress':
          if (Date.now() >= deadline) {
            throw new ProblemException(
              409,
              'request_in_progress',
              'A request with this MS-RequestId is still being processed; retry shortly.',
              {
                headers: { 'retry-after': '1' },
              },
            );
          }
          await sleep(this.pollMs);
      }
    }
  }

  private async execute(
    key: IdempotencyKey,
    replayable: boolean,
    reply: FastifyReply,
    next: CallHandler,
  ): Promise<unknown> {
    let body: unknown;
    try {
      body = await lastValueFrom(next.handle(), { defaultValue: undefined });
    } catch (err) {
      // Failed commands are not remembered: a retry runs again (and the event store's ids stop a double append).
      await this.store
        .abandon(key)
        .catch((e: unknown) => this.logger.error(`could not free idempotency key: ${String(e)}`));
      throw err;
    }
    try {
      if (!replayable) {
        // Never answered from here: keep the use of the id (route, body hash), not the response.
        await this.store.complete(key, { status: reply.statusCode, body: null, headers: {} });
      } else if (containsSecret(body)) {
        // Never persist a product key: free the key instead, a retry recomputes the same answer.
        await this.store.abandon(key);
      } else {
        const headers: Record<string, string> = {};
        for (const name of REPLAYED_HEADERS) {
          const v = reply.getHeader(name);
          if (v !== undefined) headers[name] = String(v);
        }
        await this.store.complete(key, { status: reply.statusCode, body: body ?? null, headers });
      }
    } catch (err) {
      // The command succeeded; failing the response now would invite a retry that the stale-row rule handles.
      this.logger.error(`could not record idempotent response: ${String(err)}`);
    }
    return body;
  }
}

function requestIdReused(first: FirstUse): ProblemException {
  const [method = '', route = ''] = first.operation.split(' ', 2);
  const at = first.at.toISOString();
  return new ProblemException(
    422,
    'request_id_reused',
    `This MS-RequestId was first used for ${first.operation} at ${at} with another route or body; send a new MS-RequestId for a new request.`,
    { extensions: { firstUse: { method, route, at } } },
  );
}

function replay(response: StoredResponse, reply: FastifyReply): unknown {
  reply.status(response.status);
  for (const [name, value] of Object.entries(response.headers)) reply.header(name, value);
  reply.header(IDEMPOTENT_REPLAY_HEADER, 'true');
  return response.status === 204 || response.body === null ? undefined : response.body;
}

function containsSecret(value: unknown, depth = 0): boolean {
  if (depth > 8 || value === null || typeof value !== 'object') return false;
  if (Array.isArray(value)) return value.some((v) => containsSecret(v, depth + 1));
  return Object.entries(value).some(([k, v]) => /^product_?key$/i.test(k) || containsSecret(v, depth + 1));
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

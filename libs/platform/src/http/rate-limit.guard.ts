import { CanActivate, ExecutionContext, Injectable, OnApplicationShutdown, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ProblemException } from '../errors/problem-details';
import { TenantRateLimiter } from './tenant-rate-limiter';

export const SKIP_RATE_LIMIT_KEY = 'csp:rate-limit:skip';

/** Exempt a route (e.g. liveness probes) from the per-tenant limit. */
export const SkipRateLimit = (): MethodDecorator & ClassDecorator => SetMetadata(SKIP_RATE_LIMIT_KEY, true);

/**
 * Global, after AuthGuard: RATE_LIMIT_PER_MINUTE requests per tenant (`tid`), or per client IP on
 * public routes, one budget across the api processes (TenantRateLimiter). Over the limit: 429 `rate_limited`
 * with Retry-After.
 */
@Injectable()
export class RateLimitGuard implements CanActivate, OnApplicationShutdown {
  constructor(
    private readonly limiter: TenantRateLimiter,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http' || !this.limiter.enabled) return true;
    if (this.reflector.getAllAndOverride<boolean>(SKIP_RATE_LIMIT_KEY, [context.getHandler(), context.getClass()]))
      return true;
    const http = context.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const key = request.principal ? `tid:${request.principal.tenantId}` : `ip:${request.ip}`;
    const result = await this.limiter.take(key);
    reply.header('x-ratelimit-limit', String(result.limit));
    reply.header('x-ratelimit-remaining', String(result.remaining));
    if (result.allowed) return true;
    throw new ProblemException(429, 'rate_limited', `Too many requests: the limit is ${result.limit} per minute.`, {
      headers: { 'retry-after': String(result.retryAfterSeconds) },
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.limiter.close();
  }
}

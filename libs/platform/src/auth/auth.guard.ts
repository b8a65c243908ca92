import { CanActivate, ExecutionContext, Inject, Injectable, Optional } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { IS_PUBLIC_KEY } from './auth.decorators';
import { JwtVerifier, unauthorized } from './jwt-verifier';
import { TENANT_DIRECTORY, TenantDirectory, tenantNotRegistered } from './tenant-directory';

/**
 * Global: every route needs a valid bearer token unless marked @Public(), and the token's tenant must be a
 * registered partner or customer (403 otherwise). The hosting app provides the tenant directory; only the
 * platform's own test app runs without one.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly verifier: JwtVerifier,
    private readonly reflector: Reflector,
    @Optional() @Inject(TENANT_DIRECTORY) private readonly tenants?: TenantDirectory,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (isPublic) return true;
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const header = request.headers.authorization;
    if (!header) throw unauthorized('An Authorization: Bearer <token> header is required.');
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match) throw unauthorized('The Authorization header must be "Bearer <token>".');
    const verified = await this.verifier.verify(match[1]!);
    const tenantKind = this.tenants ? await this.tenants.kindOf(verified.tenantId) : undefined;
    if (this.tenants && !tenantKind) throw tenantNotRegistered();
    const principal = tenantKind ? Object.freeze({ ...verified, tenantKind }) : verified;
    request.principal = principal;
    if (request.requestContext) request.requestContext.principal = principal;
    return true;
  }
}

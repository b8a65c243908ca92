import { applyDecorators, CanActivate, ExecutionContext, Injectable, SetMetadata, UseGuards } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { decideTenantAccess, mayBePermitted, PERMISSIONS, type Permission } from '@csp/domain';
import { unauthorized } from '@csp/platform';
import { forbiddenFor } from './customer-access';
import { TenantDirectory } from './tenant-directory';

export const PERMISSION_KEY = 'csp:auth:permission';

/**
 * The route needs this permission of DOMAIN.md's role table (libs/domain access-policy); AccessGuard decides
 * what it can before the handler runs. On a handler.
 */
export const Permit = (permission: Permission): MethodDecorator =>
  applyDecorators(SetMetadata(PERMISSION_KEY, permission), UseGuards(AccessGuard));

/**
 * After the global AuthGuard: a route about the caller's own tenant is decided here in full (the tenant's
 * kind from the TenantDirectory, then the policy). A route naming a customer is refused here when no kind of
 * tenant could do it with these roles; CustomerAccess decides the rest once it knows the customer (404 vs 403).
 */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tenants: TenantDirectory,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const permission = this.reflector.get<Permission | undefined>(PERMISSION_KEY, context.getHandler());
    if (!permission) return true;
    const principal = context.switchToHttp().getRequest<FastifyRequest>().principal;
    if (!principal) throw unauthorized('This operation needs a bearer token.');
    if (PERMISSIONS[permission].scope === 'customer') {
      if (mayBePermitted(permission, principal.roles)) return true;
      throw forbiddenFor(permission, 'partner');
    }
    const kind = await this.tenants.kindOf(principal.tenantId);
    if (decideTenantAccess(permission, principal.roles, kind) === 'allow') return true;
    throw forbiddenFor(permission, kind);
  }
}

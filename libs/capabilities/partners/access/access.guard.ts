import { applyDecorators, CanActivate, ExecutionContext, Injectable, SetMetadata, UseGuards } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { decideTenantAccess, PERMISSIONS, type Permission } from '@csp/domain';
import { unauthorized } from '@csp/platform';
import { CustomerAccess, forbiddenFor } from './customer-access';
import { TenantDirectory } from './tenant-directory';

export const PERMISSION_KEY = 'csp:auth:permission';

/**
 * The route needs this permission of DOMAIN.md's role table (libs/domain access-policy); AccessGuard decides
 * what it can before the handler runs. On a handler.
 */
export const Permit = (permission: Permission): MethodDecorator =>
  applyDecorators(SetMetadata(PERMISSION_KEY, permission), UseGuards(AccessGuard));

/**
 * After the global AuthGuard, before any pipe reads the body: a route naming a customer in its path is decided in
 * full by CustomerAccess (403 by the caller's roles, 404 unless the customer is its own); any other route by the
 * caller's tenant kind (TenantDirectory) and the policy. The handlers authorize again with the same functions.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tenants: TenantDirectory,
    private readonly customers: CustomerAccess,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const permission = this.reflector.get<Permission | undefined>(PERMISSION_KEY, context.getHandler());
    if (!permission) return true;
    const principal = context.switchToHttp().getRequest<FastifyRequest>().principal;
    if (!principal) throw unauthorized('This operation needs a bearer token.');
    const request = context.switchToHttp().getRequest<FastifyRequest<{ Params: { customerId?: string } }>>();
    const customerId = request.params?.customerId;
    if (PERMISSIONS[permission].scope === 'customer' && typeof customerId === 'string') {
      // Decided before the body is read: 403 / 404 never turn into a 400 (the customer is remembered for the handler).
      await this.customers.authorize(principal, customerId, permission);
      return true;
    }
    // Scope `tenant`, or a customer named in the body (support requests: checked after its fields).
    const kind = await this.tenants.kindOf(principal.tenantId);
    if (decideTenantAccess(permission, principal.roles, kind) === 'allow') return true;
    throw forbiddenFor(permission, kind);
  }
}

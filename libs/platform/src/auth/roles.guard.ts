import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { ProblemException } from '../errors/problem-details';
import { ROLES_KEY } from './auth.decorators';
import { unauthorized } from './jwt-verifier';
import { hasAnyRole } from './principal';
import type { Role } from './roles';

/** Global, after AuthGuard: enforces @Roles(). A known user without any of the roles gets 403 `forbidden`. */
@Injectable()
export class RolesGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (!roles || roles.length === 0) return true;
    const principal = context.switchToHttp().getRequest<FastifyRequest>().principal;
    if (!principal) throw unauthorized('This operation needs a bearer token.');
    if (hasAnyRole(principal, roles)) return true;
    throw new ProblemException(403, 'forbidden', `This operation needs one of the roles: ${roles.join(', ')}.`, {
      extensions: { requiredRoles: roles },
    });
  }
}

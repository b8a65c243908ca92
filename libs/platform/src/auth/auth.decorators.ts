import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { Principal } from './principal';
import type { Role } from './roles';
import { unauthorized } from './jwt-verifier';

export const IS_PUBLIC_KEY = 'csp:auth:public';
export const ROLES_KEY = 'csp:auth:roles';

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
}

/** No token needed (health, docs, metrics, signed downloads). On a class or a handler. */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(IS_PUBLIC_KEY, true);

/** The caller needs at least one of these roles (else 403 `forbidden`). On a class or a handler; the handler's wins. */
export const Roles = (...roles: Role[]): MethodDecorator & ClassDecorator => SetMetadata(ROLES_KEY, roles);

/** The verified caller. On a @Public() route without a token it answers 401. */
export const CurrentPrincipal = createParamDecorator((_data: unknown, ctx: ExecutionContext): Principal => {
  const request = ctx.switchToHttp().getRequest<FastifyRequest>();
  if (!request.principal) throw unauthorized('This operation needs a bearer token.');
  return request.principal;
});

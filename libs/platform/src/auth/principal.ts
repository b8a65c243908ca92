import type { Role } from './roles';
import type { TenantKind } from './tenant-directory';

/** The authenticated caller, from a verified JWT. */
export interface Principal {
  /** `sub`: the user or service id. */
  readonly userId: string;
  /** `upn`: shown in audit records (falls back to `sub` for services without one). */
  readonly upn: string;
  /** `tid`: the partner's tenant for partner users and services, the customer's for customer users. */
  readonly tenantId: string;
  /** `roles`: may hold names this service does not know; they grant nothing. */
  readonly roles: readonly string[];
  /** What `tenantId` is, from the tenant directory (set by the AuthGuard; a customer's users are never a partner). */
  readonly tenantKind?: TenantKind;
}

/**
 * Tenant scoping is the application's job (it knows which customer belongs to which partner); this is the
 * shape it passes around: the caller plus the tenant a query or command is confined to.
 */
export type TenantScoped<T = object> = T & { readonly principal: Principal; readonly tenantId: string };

export function hasAnyRole(principal: Principal, roles: readonly Role[]): boolean {
  return roles.some((r) => principal.roles.includes(r));
}

export function tenantScope<T extends object>(principal: Principal, value: T = {} as T): TenantScoped<T> {
  return { ...value, principal, tenantId: principal.tenantId };
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isGuid(value: unknown): value is string {
  return typeof value === 'string' && GUID.test(value);
}

import { DomainError } from '@csp/domain';
import { SYSTEM_LOG } from '../log/tenant-of-event';

const invalid = (field: string, detail: string): DomainError =>
  new DomainError({ code: 'invalid_query', kind: 'validation', field, detail });

/** A whole number query parameter; undefined when absent and optional. */
export function wholeNumber(value: string | undefined, field: string, o: { min: number; fallback?: number }): number {
  if (value === undefined || value === '') {
    if (o.fallback !== undefined) return o.fallback;
    throw invalid(field, `${field} is required`);
  }
  if (!/^\d{1,15}$/.test(value) || Number(value) < o.min)
    throw invalid(field, `${field} must be a whole number of at least ${o.min}`);
  return Number(value);
}

/** An ISO 8601 date-time, normalised to what digests carry (toISOString). */
export function instant(value: string | undefined, field: string): string | undefined {
  if (value === undefined || value === '') return undefined;
  const t = Date.parse(value);
  if (!/^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:\d{2}))?$/.test(value) || Number.isNaN(t)) {
    throw invalid(field, `${field} must be an ISO 8601 date or date-time`);
  }
  return new Date(t).toISOString();
}

/** The log a request reads: the caller's partner tenant, or `log=system` for the events that name no partner. */
export function logOf(tenantId: string, log: string | undefined): string {
  if (log === undefined || log === '') return tenantId.toLowerCase();
  if (log === SYSTEM_LOG) return SYSTEM_LOG;
  throw invalid('log', `log must be "${SYSTEM_LOG}" (or absent: the caller's tenant)`);
}

export function eventIdOf(value: string | undefined): string {
  // Event ids are GUIDs; anything else (a NUL byte, say) is the caller's 400, never the database's 500.
  if (!value || !/^[0-9A-Za-z-]{1,100}$/.test(value)) throw invalid('eventId', 'eventId must be an event id (a GUID)');
  return value;
}

import type { EventMetadata } from '@csp/event-store';
import { getRequestContext } from '@csp/platform';

/**
 * Event metadata from the current request: who, which tenant, and the ids that tie the events to the
 * request (MS-RequestId, MS-CorrelationId). Workers pass their own values in `extra`.
 */
export function commandMetadata(extra: Partial<EventMetadata> = {}): EventMetadata {
  const ctx = getRequestContext();
  const principal = ctx?.principal;
  const base: EventMetadata = {};
  if (ctx) {
    base.correlationId = ctx.correlationId;
    base.requestId = ctx.requestId;
    base.causationId = ctx.requestId;
  }
  if (principal) {
    base.userId = principal.userId;
    base.upn = principal.upn;
    base.tenantId = principal.tenantId;
  }
  return { ...base, ...stripUndefined(extra) };
}

function stripUndefined(o: Partial<EventMetadata>): Partial<EventMetadata> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

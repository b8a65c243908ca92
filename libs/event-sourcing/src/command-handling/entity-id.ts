import { randomUUID } from 'node:crypto';
import { uuidNamespace, uuidV5 } from '@csp/event-store';
import { getRequestContext } from '@csp/platform';

const NAMESPACE = uuidNamespace('7d0f2c53-5b7e-4f5e-9a57-3c1c2f8e6a10');

/**
 * The id of a new order, customer, link or support request. When the caller sent an MS-RequestId, the id is
 * derived from it (and from who sent it), so a retried request lands on the same stream and command handling
 * answers with the first result instead of creating a twin.
 */
export function newEntityId(kind: string): string {
  const ctx = getRequestContext();
  if (!ctx?.requestIdProvided) return randomUUID();
  const who = ctx.principal ? `${ctx.principal.tenantId}:${ctx.principal.userId}` : 'anonymous';
  return uuidV5(NAMESPACE, `${kind}:${who}:${ctx.requestId.toLowerCase()}`);
}

import { createHash } from 'node:crypto';

/** Fixed namespace for event ids derived from request ids; never change it, or retries stop deduplicating. */
export const EVENT_ID_NAMESPACE = '0d5c3f4e-8a51-4c55-9a5e-2f1e6b7c9a10';

const NAMESPACE_BYTES = Buffer.from(EVENT_ID_NAMESPACE.replace(/-/g, ''), 'hex');

/** Whose command an event id belongs to: a request id means something only together with its caller. */
export interface EventIdScope {
  requestId: string;
  /** Tenant and `sub` of the caller ('-' for none: workers, anonymous downloads). */
  tenantId: string;
  userId: string;
  /** The command's name (`CancelOrder`), so one request id cannot stand for two commands. */
  command: string;
}

/**
 * A deterministic event id: the same caller, request, command, stream and index always give the same id,
 * so a retried command appends nothing new (the store answers with `idempotentReplay`), while another
 * caller's (or another command's) use of the same request id can never collide with it.
 * It is the RFC 9562 UUID v5 of the name in EVENT_ID_NAMESPACE (SHA-1 straight from node:crypto: every command
 * derives one, and the general-purpose uuid package spent several times longer on it).
 */
export function deriveEventId(scope: EventIdScope, streamId: string, index: number): string {
  return uuidV5(eventIdName(scope, streamId, index));
}

/** The v5 name: a JSON array, so no field's content can shift into another (user ids are arbitrary strings). */
export function eventIdName(scope: EventIdScope, streamId: string, index: number): string {
  return JSON.stringify([scope.tenantId, scope.userId, scope.command, scope.requestId, streamId, index]);
}

function uuidV5(name: string): string {
  const hash = createHash('sha1').update(NAMESPACE_BYTES).update(name, 'utf8').digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50; // version 5
  hash[8] = (hash[8]! & 0x3f) | 0x80; // RFC variant
  const hex = hash.toString('hex', 0, 16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

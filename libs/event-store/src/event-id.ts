import { parse, v5 } from 'uuid';

/** Fixed namespace for event ids derived from request ids; never change it, or retries stop deduplicating. */
export const EVENT_ID_NAMESPACE = '0d5c3f4e-8a51-4c55-9a5e-2f1e6b7c9a10';

/** A v5 namespace, parsed once (the uuid package would parse a string namespace on every call). */
export const uuidNamespace = (uuid: string): Uint8Array => parse(uuid);

/**
 * The RFC 9562 UUID v5 of `name` (as UTF-8) in `namespace`: the uuid package's, handed bytes, which costs about
 * what a hand-written SHA-1 did (its string path re-encodes each name and is about three times slower).
 */
export const uuidV5 = (namespace: Uint8Array, name: string): string => v5(Buffer.from(name, 'utf8'), namespace);

const NAMESPACE_BYTES = uuidNamespace(EVENT_ID_NAMESPACE);

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
 * It is the RFC 9562 UUID v5 of the name in EVENT_ID_NAMESPACE.
 */
export function deriveEventId(scope: EventIdScope, streamId: string, index: number): string {
  return uuidV5(NAMESPACE_BYTES, eventIdName(scope, streamId, index));
}

/** The v5 name: a JSON array, so no field's content can shift into another (user ids are arbitrary strings). */
export function eventIdName(scope: EventIdScope, streamId: string, index: number): string {
  return JSON.stringify([scope.tenantId, scope.userId, scope.command, scope.requestId, streamId, index]);
}

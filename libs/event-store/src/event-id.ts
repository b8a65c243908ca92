import { v5 as uuidv5 } from 'uuid';

/** Fixed namespace for event ids derived from request ids; never change it, or retries stop deduplicating. */
export const EVENT_ID_NAMESPACE = '0d5c3f4e-8a51-4c55-9a5e-2f1e6b7c9a10';

/**
 * A deterministic event id: the same request, stream and index always give the same id,
 * so a retried command appends nothing new (the store answers with `idempotentReplay`).
 */
export function deriveEventId(requestId: string, streamId: string, index: number): string {
  return uuidv5(`${requestId}\u0000${streamId}\u0000${index}`, EVENT_ID_NAMESPACE);
}

/**
 * The stream registry: the one place a stream name is spelled. Every stream type this service writes is one
 * entry here; the event-store adapters that filter by stream name (KurrentDB's $all subscription) take their
 * prefixes from `STREAM_PREFIXES`, so a new stream type cannot be silently left out of projections.
 */
export const STREAM_TYPES = {
  customer: 'customer-',
  /** Reserves a domain across customers; shares the `customer-` prefix on purpose. */
  customerDomain: 'customer-domain-',
  order: 'order-',
  supportRequest: 'support-request-',
  kmsMigration: 'kms-migration-',
  /** A registered partner tenant (`partner-{tenant guid}`): the only source of "this tid is a partner". */
  partner: 'partner-',
  /** A partner's key-pool settings (`keypool-{partner tenant guid}`: low watermarks). */
  keyPool: 'keypool-',
  /** One import of product keys into a partner's pool (KeysImported: counts and fingerprints, never keys). */
  keyImport: 'keypool-import-',
  /** One pool record's custody: KeyAssigned, KeyAssignmentRevoked. */
  poolKey: 'keypool-key-',
} as const;

export type StreamType = keyof typeof STREAM_TYPES;

/** The stream id of entity `id` of a stream type. */
export const streamIdOf = (type: StreamType, id: string): string => `${STREAM_TYPES[type]}${id}`;

/** The stream type a stream id belongs to (the longest matching prefix), or undefined for foreign streams. */
export function streamTypeOf(streamId: string): StreamType | undefined {
  let best: StreamType | undefined;
  for (const [type, prefix] of Object.entries(STREAM_TYPES) as [StreamType, string][]) {
    if (streamId.startsWith(prefix) && (!best || prefix.length > STREAM_TYPES[best].length)) best = type;
  }
  return best;
}

/** The smallest set of prefixes that covers every registered stream type (for server-side filters). */
export const STREAM_PREFIXES: readonly string[] = Object.values(STREAM_TYPES).filter(
  (prefix, _i, all) => !all.some((other) => other !== prefix && prefix.startsWith(other)),
);

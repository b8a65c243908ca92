// The canonical form of an event, the bytes its Merkle leaf hashes: RFC 8785 (JSON Canonicalization Scheme).

/** An event as the audit trail hashes and exports it (one NDJSON line of the export). */
export interface AuditEvent {
  /** The event id. */
  id: string;
  /** The stream id. */
  stream: string;
  /** 1-based position within the stream. */
  streamPosition: number;
  /** Global position: the order of the store, hashed so that a reorder changes the leaf. */
  position: number;
  type: string;
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
  /** ISO 8601 UTC with milliseconds, as Date.prototype.toISOString writes it. */
  recordedAt: string;
}

export const AUDIT_EVENT_FIELDS = [
  'id',
  'stream',
  'streamPosition',
  'position',
  'type',
  'data',
  'metadata',
  'recordedAt',
] as const;

/** The store's recorded event, structurally (no import of the event-store package: the verifier stays small). */
export interface StoredEventLike {
  eventId: string;
  streamId: string;
  streamPosition: number;
  globalPosition: number;
  type: string;
  data: object;
  metadata: object;
  recordedAt: Date;
}

export const auditEventOf = (e: StoredEventLike): AuditEvent => ({
  id: e.eventId,
  stream: e.streamId,
  streamPosition: e.streamPosition,
  position: e.globalPosition,
  type: e.type,
  data: e.data as Record<string, unknown>,
  metadata: e.metadata as Record<string, unknown>,
  recordedAt: e.recordedAt.toISOString(),
});

/** A string needs JSON.stringify's escapes only if it holds a quote, a backslash, a control or a surrogate unit. */
// eslint-disable-next-line no-control-regex -- the control characters are exactly what must be escaped
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;
const quoted = (s: string): string => (NEEDS_ESCAPE.test(s) ? JSON.stringify(s) : `"${s}"`);

/**
 * RFC 8785 (JCS) serialisation, exactly as the `canonicalize` package (its reference implementation in
 * JavaScript) writes it, value for value (canonical-event.spec.ts checks that on random JSON): strings and numbers
 * as JSON.stringify writes them, object keys sorted by UTF-16 code units, no whitespace. Written out for speed: the
 * producer hashes every event, and this is most of its CPU per event.
 */
function serialize(v: unknown): string {
  if (typeof v === 'string') return quoted(v);
  if (typeof v === 'number') {
    if (Number.isNaN(v)) throw new TypeError('NaN is not allowed');
    if (!Number.isFinite(v)) throw new TypeError('Infinity is not allowed');
    return JSON.stringify(v);
  }
  if (v === null || typeof v !== 'object') return JSON.stringify(v) as string;
  const toJSON = (v as { toJSON?: unknown }).toJSON;
  if (toJSON instanceof Function) return serialize(toJSON.call(v));
  if (Array.isArray(v)) {
    let out = '[';
    for (let i = 0; i < v.length; i++) {
      const x: unknown = v[i];
      out += (i === 0 ? '' : ',') + (x === undefined || typeof x === 'symbol' ? 'null' : serialize(x));
    }
    return `${out}]`;
  }
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o).sort();
  let out = '{';
  for (const k of keys) {
    const x = o[k];
    if (x === undefined || typeof x === 'symbol') continue;
    out += `${out.length === 1 ? '' : ','}${quoted(k)}:${serialize(x)}`;
  }
  return `${out}}`;
}

/** JCS text of a JSON value (UTF-8 when written out). */
export function canonicalJson(value: unknown): string {
  const text = serialize(value) as string | undefined;
  if (text === undefined) throw new TypeError('not a JSON value');
  return text;
}

/** The canonical line of an event: exactly the bytes of its leaf (without the line feed). */
export function canonicalEventLine(e: AuditEvent): string {
  const { data, id, metadata, position, recordedAt, stream, streamPosition, type } = e;
  if ([data, id, metadata, position, recordedAt, stream, streamPosition, type].includes(undefined as never)) {
    return canonicalJson(Object.fromEntries(AUDIT_EVENT_FIELDS.map((f) => [f, e[f]])));
  }
  // The fields in their canonical order (data, id, metadata, position, recordedAt, stream, streamPosition, type).
  return (
    `{"data":${serialize(data)},"id":${serialize(id)},"metadata":${serialize(metadata)},` +
    `"position":${serialize(position)},"recordedAt":${serialize(recordedAt)},"stream":${serialize(stream)},` +
    `"streamPosition":${serialize(streamPosition)},"type":${serialize(type)}}`
  );
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isCount = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;

/** Reads one export line back; a string says what is wrong with it. */
export function parseEventLine(line: string): AuditEvent | string {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return 'is not JSON';
  }
  if (!isObject(value)) return 'is not a JSON object';
  const extra = Object.keys(value).filter((k) => !(AUDIT_EVENT_FIELDS as readonly string[]).includes(k));
  if (extra.length > 0) return `has unexpected fields: ${extra.join(', ')}`;
  const e = value as Partial<AuditEvent>;
  if (typeof e.id !== 'string' || typeof e.stream !== 'string' || typeof e.type !== 'string')
    return 'lacks id, stream or type';
  if (!isCount(e.streamPosition) || !isCount(e.position)) return 'lacks a whole streamPosition or position';
  if (!isObject(e.data) || !isObject(e.metadata)) return 'lacks data or metadata objects';
  if (typeof e.recordedAt !== 'string') return 'lacks recordedAt';
  if (canonicalJson(value) !== line) return 'is not in its canonical form (RFC 8785): it was edited after the export';
  return e as AuditEvent;
}

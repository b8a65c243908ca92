/**
 * Import validation: all or nothing. Every bad row is named (row number, field, masked key), never the key.
 * The caller computes each key's SHA-256 fingerprint (hashing is I/O-free but needs node:crypto, which the domain
 * does not import) and says which fingerprints the partner's pool already holds.
 */
import { findOffer } from '../catalog/catalog';
import type { Catalog } from '../catalog/catalog.types';
import { DomainError, type FieldIssue } from '../shared/domain-error';
import type { ImportedCount } from './key-pool.events';
import { FINGERPRINT_PATTERN, isMak, maskMak, normalizeMak } from './mak-format';

export const MAX_KEYS_PER_IMPORT = 100_000;
/** Fingerprints per KeysImported event: ~130 KB of JSON, well under every store's event size limit. */
export const FINGERPRINTS_PER_EVENT = 2_000;
/** Problem bodies stay readable: the first bad rows are listed, the total is counted. */
export const MAX_REPORTED_ROWS = 1_000;

/** Offer kinds that come with product keys (reservations and plans have none). */
export const KEYED_KINDS = ['perpetual', 'softwareSubscription'] as const;

/** One row as read from the body (JSON `keys[i]` or a CSV data line); `row` counts from 1. */
export type ImportRow = {
  row: number;
  /** Where the row came from, for the field path: `keys[0]` (JSON) or `row 1` (CSV). */
  path: string;
  offerId: unknown;
  version: unknown;
  productKey: unknown;
  /** SHA-256 of the normalised key; absent when the key is not a string. */
  fingerprint?: string;
};

/** A refused row: what the problem lists (`errors[]` and `rows[]`). */
export type ImportRowIssue = FieldIssue & { row: number; masked: string };

export type ValidImportRow = { row: number; offerId: string; version: string; productKey: string; fingerprint: string };

export type ImportPlan = { rows: ValidImportRow[]; byOffer: ImportedCount[] };

/**
 * Checks every row: known offer with keys, a version the offer has, a well-formed MAK, no duplicate within the
 * file nor of a key already in the pool (by fingerprint). Throws one 400 naming every bad row, or returns the plan.
 */
export function planKeyImport(
  rows: readonly ImportRow[],
  catalog: Catalog,
  alreadyInPool: ReadonlySet<string>,
): ImportPlan {
  if (rows.length === 0) {
    throw new DomainError({ code: 'empty_import', kind: 'validation', field: 'keys', detail: 'send at least one key' });
  }
  if (rows.length > MAX_KEYS_PER_IMPORT) {
    throw new DomainError({
      code: 'import_too_large',
      kind: 'validation',
      field: 'keys',
      detail: `at most ${MAX_KEYS_PER_IMPORT} keys per import (got ${rows.length}); split the file`,
      data: { maxKeys: MAX_KEYS_PER_IMPORT },
    });
  }
  const issues: ImportRowIssue[] = [];
  const seen = new Map<string, number>();
  const valid: ValidImportRow[] = [];
  for (const r of rows) {
    const masked = typeof r.productKey === 'string' ? maskMak(r.productKey) : 'XXXXX-…-';
    const bad = (field: string, code: string, message: string): void => {
      issues.push({
        field: `${r.path}.${field}`,
        code,
        message: `row ${r.row}: ${message} (${masked})`,
        row: r.row,
        masked,
      });
    };
    const before = issues.length;
    const offer = typeof r.offerId === 'string' ? findOffer(catalog, r.offerId) : undefined;
    if (!offer) bad('offerId', 'unknown_offer', `offerId ${describe(r.offerId)} is not in the catalog`);
    else if (!(KEYED_KINDS as readonly string[]).includes(offer.kind))
      bad('offerId', 'offer_without_keys', `offer ${offer.id} (${offer.kind}) has no product keys`);
    else if (typeof r.version !== 'string' || !offer.media.some((m) => m.version === r.version))
      bad(
        'version',
        'unknown_version',
        `version ${describe(r.version)} is not one of ${offer.id}'s: ${offer.media.map((m) => m.version).join(', ')}`,
      );
    const key = typeof r.productKey === 'string' ? normalizeMak(r.productKey) : undefined;
    if (key === undefined || !isMak(key)) {
      bad(
        'productKey',
        'malformed_key',
        'productKey is not a MAK (5 groups of 5 characters of the product-key alphabet)',
      );
    } else if (typeof r.fingerprint !== 'string' || !FINGERPRINT_PATTERN.test(r.fingerprint)) {
      throw new TypeError('planKeyImport: every well-formed key needs its SHA-256 fingerprint');
    } else if (seen.has(r.fingerprint)) {
      bad('productKey', 'duplicate_key', `the same key as row ${seen.get(r.fingerprint)!}`);
    } else if (alreadyInPool.has(r.fingerprint)) {
      bad('productKey', 'key_already_in_pool', 'this key is already in the pool');
    }
    if (key !== undefined && r.fingerprint && !seen.has(r.fingerprint)) seen.set(r.fingerprint, r.row);
    if (issues.length === before && offer && key !== undefined) {
      valid.push({
        row: r.row,
        offerId: offer.id,
        version: r.version as string,
        productKey: key,
        fingerprint: r.fingerprint!,
      });
    }
  }
  if (issues.length > 0) {
    const listed = issues.slice(0, MAX_REPORTED_ROWS);
    throw new DomainError({
      code: 'invalid_keys',
      kind: 'validation',
      detail:
        `${issues.length} problem(s) in ${new Set(issues.map((i) => i.row)).size} row(s); nothing was imported` +
        (issues.length > listed.length ? ` (the first ${listed.length} are listed)` : ''),
      errors: listed,
      data: {
        invalidRows: new Set(issues.map((i) => i.row)).size,
        rows: listed.map(({ row, field, code, masked }) => ({ row, field, code, masked })),
      },
    });
  }
  return { rows: valid, byOffer: countByOffer(valid) };
}

export function countByOffer(rows: readonly { offerId: string; version: string }[]): ImportedCount[] {
  const counts = new Map<string, ImportedCount>();
  for (const r of rows) {
    const id = `${r.offerId}\u0000${r.version}`;
    const c = counts.get(id) ?? { offerId: r.offerId, version: r.version, count: 0 };
    c.count++;
    counts.set(id, c);
  }
  return [...counts.values()].sort((a, b) => a.offerId.localeCompare(b.offerId) || b.version.localeCompare(a.version));
}

/**
 * A value quoted for a message only when it has the shape of an offer id or a version: a key pasted into the
 * wrong column (segments of at most 12 characters, no dashes) is never echoed.
 */
function describe(value: unknown): string {
  if (typeof value !== 'string') return value === undefined ? '(missing)' : `(${typeof value})`;
  return /^[A-Za-z0-9._]{1,12}(:[A-Za-z0-9._]{1,12}){0,2}$/.test(value) ? JSON.stringify(value) : '(not shown)';
}

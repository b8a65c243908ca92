import { parse } from 'csv-parse/sync';
import { DomainError, MAX_KEYS_PER_IMPORT, type ImportRow } from '@csp/domain';

export const KEYS_CSV_HEADER = ['offerId', 'version', 'productKey'] as const;
const ROW_FIELDS = new Set<string>(KEYS_CSV_HEADER);

const refuse = (field: string, code: string, detail: string): DomainError =>
  new DomainError({ code, kind: 'validation', field, detail });

/**
 * `{ keys: [ { offerId, version, productKey } ] }` into rows (fingerprints still to compute). The body is
 * checked here rather than by class-validator: 100,000 rows are checked in one pass and reported by row number.
 */
export function rowsFromJson(body: unknown): Omit<ImportRow, 'fingerprint'>[] {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw refuse('keys', 'invalid_body', 'send { "keys": [ { "offerId", "version", "productKey" } ] } or text/csv');
  const unknown = Object.keys(body).filter((k) => k !== 'keys');
  if (unknown.length > 0)
    throw new DomainError({
      code: 'unknown_field',
      kind: 'validation',
      detail: `unknown field(s): ${unknown.slice(0, 5).join(', ')}`,
      errors: unknown
        .slice(0, 20)
        .map((f) => ({ field: f, code: 'unknown_field', message: `${f} is not a field of an import` })),
    });
  const keys = (body as { keys?: unknown }).keys;
  if (!Array.isArray(keys))
    throw refuse('keys', 'invalid_keys', 'keys must be an array of { offerId, version, productKey }');
  if (keys.length > MAX_KEYS_PER_IMPORT)
    throw refuse('keys', 'import_too_large', `at most ${MAX_KEYS_PER_IMPORT} keys per import (got ${keys.length})`);
  return keys.map((k: unknown, i) => {
    const entry = typeof k === 'object' && k !== null && !Array.isArray(k) ? (k as Record<string, unknown>) : {};
    const extra = Object.keys(entry).find((f) => !ROW_FIELDS.has(f));
    if (extra !== undefined)
      throw refuse(`keys[${i}].${extra}`, 'unknown_field', `keys[${i}].${extra} is not a field of a key`);
    return {
      row: i + 1,
      path: `keys[${i}]`,
      offerId: entry.offerId,
      version: entry.version,
      productKey: entry.productKey,
    };
  });
}

/** CSV with the header `offerId,version,productKey` (any order; comma or semicolon); rows count from 1 after it. */
export function rowsFromCsv(csv: string): Omit<ImportRow, 'fingerprint'>[] {
  const text = csv.replace(/^\uFEFF/, '');
  const firstLine = text.slice(0, text.search(/\r?\n|$/));
  const delimiter = firstLine.includes(';') && !firstLine.includes(',') ? ';' : ',';
  let records: string[][];
  try {
    records = parse(text, { delimiter, skip_empty_lines: true, trim: true, relax_column_count: true }) as string[][];
  } catch (error) {
    // csv-parse quotes the offending line in its message: say where, never what.
    const line = (error as { lines?: number }).lines;
    throw refuse('body', 'malformed_csv', `the CSV could not be read${line ? ` (near line ${line})` : ''}`);
  }
  const [header, ...data] = records;
  const names = (header ?? []).map((h) => h.trim());
  const missing = KEYS_CSV_HEADER.filter((h) => !names.includes(h));
  if (missing.length > 0)
    throw refuse(
      'header',
      'invalid_csv_header',
      `the header row must name ${KEYS_CSV_HEADER.join(',')} (missing ${missing.join(', ')})`,
    );
  if (data.length > MAX_KEYS_PER_IMPORT)
    throw refuse('body', 'import_too_large', `at most ${MAX_KEYS_PER_IMPORT} keys per import (got ${data.length})`);
  const at = (name: string) => names.indexOf(name);
  return data.map((cells, i) => ({
    row: i + 1,
    path: `rows[${i + 1}]`,
    offerId: cells[at('offerId')],
    version: cells[at('version')],
    productKey: cells[at('productKey')],
  }));
}

/**
 * Rows as statement parameters: one PostgreSQL array literal per column, for
 * `INSERT … SELECT … FROM unnest($1::text[], $2::bigint[], …)`, and JSON columns as one JSON array, read per row
 * with `$n::jsonb -> (ordinality - 1)`. PostgreSQL parses these several times faster than jsonb_to_recordset
 * parses the same rows as one document, which took most of a replay batch's time; and the literals are built here
 * because pg's own array serialisation (two regular expressions per element) showed up in replay profiles.
 */
export type Scalar = string | number | boolean | Date | null | undefined;

/** Array literal of the values (null and undefined are NULL); the SQL casts it to the column's array type. */
export function arrayLiteral(values: readonly Scalar[]): string {
  const items = values.map((v) => {
    if (v === null || v === undefined) return 'NULL';
    const text = v instanceof Date ? v.toISOString() : String(v);
    return NEEDS_ESCAPE.test(text) ? `"${text.replace(ESCAPED, '\\$&')}"` : `"${text}"`;
  });
  return `{${items.join(',')}}`;
}

const NEEDS_ESCAPE = /["\\]/;
const ESCAPED = /["\\]/g;

/** One array literal per key, in the order of the keys. */
export function columns<R extends { [K in keyof R]: unknown }, K extends keyof R>(
  rows: readonly R[],
  keys: readonly K[],
): string[] {
  return keys.map((key) => arrayLiteral(rows.map((row) => row[key] as Scalar)));
}

/** One column of JSON values as a JSON array text (element i belongs to row i). */
export function jsonColumn<R, K extends keyof R>(rows: readonly R[], key: K): string {
  return JSON.stringify(rows.map((row) => row[key]));
}

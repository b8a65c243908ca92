import type { Options } from 'csv-stringify';

/** Leading characters a spreadsheet reads as the start of a formula (OWASP "CSV injection"). */
const FORMULA_START = /^[=+\-@\t\r]/;

export type CsvValue = string | number | boolean | null | undefined;

/**
 * One cell's text, safe to open in a spreadsheet: a value starting with = + - @ tab or CR gets a leading
 * `'`, so that Excel, LibreOffice and Sheets show it as text instead of running it. Applied to every
 * cell (numbers included: a rule with exceptions is one that gets bypassed); null and undefined are empty.
 */
export function neutraliseCsvCell(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  return FORMULA_START.test(text) ? `'${text}` : text;
}

/** csv-stringify settings of every export: every cell quoted, empty ones too, CRLF rows (RFC 4180). */
export const CSV_STRINGIFY_OPTIONS: Readonly<Options> = Object.freeze({
  quoted: true,
  quoted_empty: true,
  record_delimiter: '\r\n',
});

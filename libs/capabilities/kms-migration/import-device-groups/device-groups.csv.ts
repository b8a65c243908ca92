import { CsvError, parse } from 'csv-parse/sync';
import { DomainError, FieldIssue, MAX_IMPORT_ROWS } from '@csp/domain';

/** A CSV row before the domain's validation: text as written, the count converted when it is digits. */
export type DeviceGroupCsvRow = {
  name: string;
  deviceCount: number;
  lastKmsActivationAt: string;
  coveringOrderId: string | null;
};

export type ParsedDeviceGroupsCsv = {
  rows: DeviceGroupCsvRow[];
  /** 1-based line of each row in the file. */
  lines: number[];
  /** Problems only the file shows (a row with more cells than the header); the domain names the rest. */
  issues: FieldIssue[];
};

export const DEVICE_GROUP_CSV_COLUMNS = ['name', 'deviceCount', 'lastKmsActivationAt', 'coveringOrderId'] as const;
const REQUIRED = ['name', 'deviceCount', 'lastKmsActivationAt'];

export const DEVICE_GROUPS_CSV_EXAMPLE =
  'name,deviceCount,lastKmsActivationAt,coveringOrderId\n' +
  'Warsaw office PCs,120,2024-03-01,\n' +
  '"Servers, DC 1",8,2024-02-15T09:30:00Z,3f2b6c1e-8a4d-4c2e-9b1a-0d5e7f6a8b9c\n';

const invalid = (code: string, field: string, detail: string): DomainError =>
  new DomainError({ code, kind: 'validation', field, detail });

/**
 * Parses the import file (RFC 4180 via csv-parse): a header naming the columns (any order and case; comma or,
 * as spreadsheets in many locales save it, semicolon separated), then one device group per line.
 * A file that cannot be read as CSV at all is a 400 naming the line; row problems are collected.
 */
export function parseDeviceGroupsCsv(text: string): ParsedDeviceGroupsCsv {
  const body = text.replace(/^\uFEFF/, '');
  const firstLine = body.split(/\r?\n/, 1)[0] ?? '';
  const delimiter = firstLine.includes(';') && !firstLine.includes(',') ? ';' : ',';
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(body, {
      delimiter,
      info: true,
      relax_column_count: true,
      skip_empty_lines: true,
      trim: true,
    }) as { record: string[]; info: { lines: number } }[];
  } catch (error) {
    if (error instanceof CsvError)
      throw invalid('malformed_csv', 'body', `The file is not valid CSV: ${error.message}`);
    throw error;
  }
  if (records.length === 0) throw invalid('no_rows', 'rows', 'The file is empty: expected a header and rows.');

  const header = records[0].record.map((h) => h.trim());
  const index = new Map<string, number>();
  const issues: FieldIssue[] = [];
  header.forEach((h, i) => {
    const column = DEVICE_GROUP_CSV_COLUMNS.find((c) => c.toLowerCase() === h.toLowerCase());
    if (!column)
      issues.push({
        field: `header[${i}]`,
        code: 'unknown_column',
        message: `unknown column "${h}"; the columns are ${DEVICE_GROUP_CSV_COLUMNS.join(', ')}`,
      });
    else if (index.has(column))
      issues.push({ field: `header[${i}]`, code: 'duplicate_column', message: `column ${column} appears twice` });
    else index.set(column, i);
  });
  for (const column of REQUIRED)
    if (!index.has(column))
      issues.push({ field: 'header', code: 'missing_column', message: `the header must name the column ${column}` });
  if (issues.length)
    throw new DomainError({
      code: 'invalid_csv_header',
      kind: 'validation',
      detail: issues.map((i) => i.message).join('; '),
      errors: issues,
    });

  const data = records.slice(1);
  if (data.length === 0) throw invalid('no_rows', 'rows', 'The file has a header but no device groups.');
  if (data.length > MAX_IMPORT_ROWS)
    throw invalid(
      'too_many_rows',
      'rows',
      `An import has at most ${MAX_IMPORT_ROWS} device groups (got ${data.length}).`,
    );

  const cell = (record: string[], column: string): string | undefined => {
    const i = index.get(column);
    return i === undefined ? undefined : record[i];
  };
  const rows = data.map(({ record, info }, i) => {
    if (record.length > header.length)
      issues.push({
        field: `rows[${i}]`,
        code: 'wrong_column_count',
        message: `line ${info.lines}: ${record.length} cells for ${header.length} columns (quote a value that contains "${delimiter}")`,
      });
    const count = (cell(record, 'deviceCount') ?? '').trim();
    return {
      name: cell(record, 'name') ?? '',
      deviceCount: /^\d{1,9}$/.test(count) ? Number(count) : Number.NaN,
      lastKmsActivationAt: cell(record, 'lastKmsActivationAt') ?? '',
      coveringOrderId: cell(record, 'coveringOrderId') || null,
    };
  });
  return { rows, lines: data.map((d) => d.info.lines), issues };
}

import { StreamableFile } from '@nestjs/common';
import { stringify } from 'csv-stringify';
import { pipeline, Readable } from 'node:stream';
import type { Collection } from './collection';
import { CSV_STRINGIFY_OPTIONS, CsvValue, neutraliseCsvCell } from './csv-cell';

/** A link to the same list with these query parameters (undefined ones left out). */
export function linkTo(path: string, query: Record<string, string | number | undefined>): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') params.set(k, String(v));
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

/** API.md's collection whose `next` link keeps the filters of `self`. */
export function filteredCollection<T>(
  path: string,
  filters: Record<string, string | number | undefined>,
  page: { items: T[]; totalCount: number; continuationToken: string | null },
  size: number,
): Collection<T> {
  const next = page.continuationToken
    ? { uri: linkTo(path, { ...filters, size, continuationToken: page.continuationToken }), method: 'GET' as const }
    : undefined;
  return {
    totalCount: page.totalCount,
    items: page.items,
    links: { self: { uri: linkTo(path, filters), method: 'GET' }, ...(next ? { next } : {}) },
    attributes: { objectType: 'Collection' },
  };
}

export interface CsvColumn<T> {
  header: string;
  value: (row: T) => CsvValue;
}

/**
 * A CSV download streamed from rows read in chunks: header row, every cell quoted (RFC 4180, by
 * csv-stringify) and neutralised against spreadsheet formulas, UTF-8. A failure mid-way ends the stream (the client sees a truncated download, not a wrong one).
 */
export function csvFile<T>(rows: AsyncIterable<T>, columns: CsvColumn<T>[], fileName: string): StreamableFile {
  const source = Readable.from(
    (async function* () {
      for await (const row of rows) yield columns.map((c) => neutraliseCsvCell(c.value(row)));
    })(),
  );
  const csv = stringify({ ...CSV_STRINGIFY_OPTIONS, header: true, columns: columns.map((c) => c.header) });
  pipeline(source, csv, () => undefined);
  return new StreamableFile(csv, {
    type: 'text/csv; charset=utf-8',
    disposition: `attachment; filename="${fileName}"`,
  });
}

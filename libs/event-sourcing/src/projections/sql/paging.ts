/** Paging shared by the queries: keyset pages with an opaque continuation token. */

export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 1000;

export interface PageRequest {
  /** 1..1000, default 100 (values outside are clamped). */
  size?: number;
  /** Token of the previous page's `continuationToken`. */
  continuationToken?: string;
}

export interface Page<T> {
  items: T[];
  /** Every item matching the filter, across all pages. */
  totalCount: number;
  /** Pass back to get the next page; null on the last page. */
  continuationToken: string | null;
}

/** The token could not be decoded: the HTTP layer answers 400. */
export class InvalidContinuationTokenError extends Error {
  readonly code = 'invalid_continuation_token';
  readonly field = 'continuationToken';
  constructor() {
    super('continuationToken is not a token this endpoint issued');
    this.name = 'InvalidContinuationTokenError';
  }
}

export const pageSize = (size: number | undefined): number =>
  size === undefined || !Number.isFinite(size)
    ? DEFAULT_PAGE_SIZE
    : Math.min(MAX_PAGE_SIZE, Math.max(1, Math.trunc(size)));

type KeyPart = string | number;

/** base64url(JSON) of the last row's sort key, tagged so a token of another list is refused. */
export const encodeToken = (kind: string, key: readonly KeyPart[]): string =>
  Buffer.from(JSON.stringify([kind, ...key]), 'utf8').toString('base64url');

/** Decodes a token of `kind` whose key parts have the given types; throws InvalidContinuationTokenError. */
export const decodeToken = <K extends KeyPart[]>(
  kind: string,
  token: string,
  types: { [I in keyof K]: K[I] extends number ? 'number' : 'string' },
): K => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidContinuationTokenError();
  }
  const expected = types as readonly string[];
  if (!Array.isArray(parsed) || parsed.length !== expected.length + 1 || parsed[0] !== kind)
    throw new InvalidContinuationTokenError();
  const key = parsed.slice(1);
  if (
    !key.every((part, i) => typeof part === expected[i] && (typeof part !== 'number' || Number.isSafeInteger(part)))
  ) {
    throw new InvalidContinuationTokenError();
  }
  return key as K;
};

/** A token's timestamp part, checked before it reaches SQL (a bad one would be a 500, not a 400). */
export const tokenTimestamp = (value: string): string => {
  if (Number.isNaN(Date.parse(value))) throw new InvalidContinuationTokenError();
  return value;
};

/** One column of a list's sort key: its name and the SQL type its token value is cast to. */
export type KeyColumn = readonly [column: string, sqlType: string];

/** A list's sort key (unique, so that pages never skip or repeat a row) and its direction. */
export interface Keyset {
  /** `a DESC, b DESC`: the ORDER BY of the list. */
  readonly orderBy: string;
  /**
   * The condition of the rows after the row whose key is `after` (a decoded continuationToken), in sort order:
   * `(a, b) < ($4::timestamptz, $5::bigint)`, its values appended to `params` (numbered after the ones there).
   */
  after(after: readonly KeyPart[], params: unknown[]): string;
}

/** The keyset of a list sorted by `columns`, all ascending or all descending (a row-value comparison). */
export const keyset = (columns: readonly KeyColumn[], direction: 'asc' | 'desc'): Keyset => {
  const names = columns.map(([column]) => column);
  const order = direction === 'asc' ? 'ASC' : 'DESC';
  return {
    orderBy: names.map((column) => `${column} ${order}`).join(', '),
    after(after, params) {
      if (after.length !== columns.length) throw new Error(`a key of ${columns.length} parts, not ${after.length}`);
      const first = params.length + 1;
      params.push(...after);
      const values = columns.map(([, type], i) => `$${first + i}::${type}`);
      return `(${names.join(', ')}) ${direction === 'asc' ? '>' : '<'} (${values.join(', ')})`;
    },
  };
};

/** Turns `size + 1` fetched rows into a page (the extra row only says there is a next page). */
export const toPage = <R, T>(
  rows: R[],
  size: number,
  totalCount: number,
  map: (row: R) => T,
  keyOf: (row: R) => string,
): Page<T> => {
  const more = rows.length > size;
  const pageRows = more ? rows.slice(0, size) : rows;
  return {
    items: pageRows.map(map),
    totalCount,
    continuationToken: more ? keyOf(pageRows[pageRows.length - 1]) : null,
  };
};

/** ISO text of a timestamptz column read by pg as a Date. */
export const iso = (value: Date | string): string => (value instanceof Date ? value : new Date(value)).toISOString();

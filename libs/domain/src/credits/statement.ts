import { formatMoney } from '../money/money';
import type { Money } from '../shared/types';

/** One credit line as a closed statement holds it (amounts in the currency's minor units). */
export interface StatementLine {
  id: string;
  customerId: string;
  orderId: string;
  lineItemNumber: number;
  offerId: string;
  friendlyName: string;
  kind: string;
  basis: string;
  creditMinor: number;
  currencyCode: string;
  taxInclusive: boolean;
  cancelledAt: string;
  postedAt: string;
  /** The cancellation's own period when the credit came to this one because its own was closed. */
  originalPeriod: string | null;
}

export interface StatementTotal {
  currencyCode: string;
  amountMinor: number;
  count: number;
}

/** Per-currency totals in currency-code order. */
export function statementTotals(lines: readonly StatementLine[]): StatementTotal[] {
  const by = new Map<string, StatementTotal>();
  for (const l of lines) {
    const t = by.get(l.currencyCode) ?? { currencyCode: l.currencyCode, amountMinor: 0, count: 0 };
    t.amountMinor += l.creditMinor;
    t.count += 1;
    by.set(l.currencyCode, t);
  }
  return [...by.values()].sort((a, b) =>
    a.currencyCode < b.currencyCode ? -1 : a.currencyCode > b.currencyCode ? 1 : 0,
  );
}

export const totalsAsMoney = (totals: readonly StatementTotal[]): Money[] =>
  totals.map((t) => formatMoney(t.amountMinor, t.currencyCode));

/** Lines in a stable order (id), the order a statement stores and hashes them in. */
export const sortStatementLines = (lines: readonly StatementLine[]): StatementLine[] =>
  [...lines].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

/** JSON with object keys sorted at every level and no whitespace: one spelling per value. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/**
 * What a statement's SHA-256 covers: the partner, the period, every line (sorted by id) and the totals, as
 * canonical JSON. The closing time is not part of it, so anyone holding the lines can recompute the digest.
 */
export function canonicalStatementContent(
  partnerTenantId: string,
  period: string,
  lines: readonly StatementLine[],
): string {
  const sorted = sortStatementLines(lines);
  return canonicalJson({ partnerTenantId, period, lines: sorted, totals: statementTotals(sorted) });
}

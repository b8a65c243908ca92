import { formatMoney, totalsAsMoney, type StatementClosed } from '@csp/domain';
import type { CsvColumn } from '@csp/platform';
import { creditedLineColumns } from './credit-line.view';
import type { StatementDto, StatementLineDto } from './credits.response.dto';

export const DIGEST_ALGORITHM =
  'SHA-256 of canonical JSON (object keys sorted, no whitespace) of { partnerTenantId, period, lines (by id, amounts in minor units as creditMinor), totals }';

/** A statement's lines as CSV (GET /v1/credits/statements/{period} with Accept: text/csv). */
export const STATEMENT_CSV_COLUMNS: CsvColumn<StatementLineDto & { period: string }>[] = [
  { header: 'id', value: (l) => l.id },
  { header: 'period', value: (l) => l.period },
  { header: 'originalPeriod', value: (l) => l.originalPeriod },
  ...creditedLineColumns<StatementLineDto & { period: string }>(),
  { header: 'postedAt', value: (l) => l.postedAt },
];

/** A closed month as its StatementClosed event holds it (it never changes). */
export function statementView(s: StatementClosed['data']): StatementDto {
  return {
    period: s.period,
    closedAt: s.closedAt,
    sha256: s.sha256,
    lineCount: s.lines.length,
    totals: totalsAsMoney(s.totals),
    lines: s.lines.map(({ creditMinor, currencyCode, ...rest }) => ({
      ...rest,
      credit: formatMoney(creditMinor, currencyCode),
    })),
    digestAlgorithm: DIGEST_ALGORITHM,
  };
}

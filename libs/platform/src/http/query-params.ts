import { DomainError, IssueCollector, isGuid } from '@csp/domain';

/** Activity log range rules (DOMAIN.md, Partner Center): 30 days by default, 90 days back at most. */
export const AUDIT_DEFAULT_DAYS = 30;
export const AUDIT_MAX_LOOKBACK_DAYS = 90;
const DAY_MS = 86_400_000;

export interface DateRange {
  /** First UTC day, inclusive (YYYY-MM-DD). */
  startDate: string;
  /** Last UTC day, inclusive (YYYY-MM-DD). */
  endDate: string;
  /** startDate 00:00Z. */
  from: Date;
  /** The day after endDate, 00:00Z (exclusive bound). */
  to: Date;
}

const utcDay = (d: Date): number => Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
const dayText = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/** A strict YYYY-MM-DD calendar date as UTC midnight, or undefined (2024-02-30 is refused). */
export function parseDay(value: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return undefined;
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return dayText(ms) === value ? ms : undefined;
}

/**
 * startDate/endDate of the activity log, in UTC days of the injected clock. Defaults: end = today,
 * start = 29 days before the end (30 days, both ends included). Start more than 90 days before today,
 * or end before start: 400 naming the field.
 */
export function parseAuditDateRange(startDate: string | undefined, endDate: string | undefined, now: Date): DateRange {
  const issues = new IssueCollector();
  const today = utcDay(now);
  const end = endDate ? parseDay(endDate) : today;
  const start = startDate
    ? parseDay(startDate)
    : end === undefined
      ? undefined
      : end - (AUDIT_DEFAULT_DAYS - 1) * DAY_MS;
  if (end === undefined) issues.add('endDate', 'invalid_date', 'endDate must be a date as YYYY-MM-DD (UTC)');
  if (start === undefined && startDate)
    issues.add('startDate', 'invalid_date', 'startDate must be a date as YYYY-MM-DD (UTC)');
  issues.throwIfAny();
  const earliest = today - AUDIT_MAX_LOOKBACK_DAYS * DAY_MS;
  if (start! < earliest) {
    issues.add(
      'startDate',
      'date_range_too_far_back',
      `startDate may be at most ${AUDIT_MAX_LOOKBACK_DAYS} days back (the earliest is ${dayText(earliest)})`,
    );
  }
  if (end! < start!) issues.add('endDate', 'end_before_start', 'endDate must not be before startDate');
  issues.throwIfAny();
  return { startDate: dayText(start!), endDate: dayText(end!), from: new Date(start!), to: new Date(end! + DAY_MS) };
}

/** A billing period, YYYY-MM (required). */
export function parsePeriod(value: string | undefined): string {
  if (!value || !/^\d{4}-(0[1-9]|1[0-2])$/.test(value)) {
    throw new DomainError({
      code: 'invalid_period',
      kind: 'validation',
      field: 'period',
      detail: 'period is required: a billing month as YYYY-MM (UTC)',
    });
  }
  return value;
}

/** An optional GUID filter (lower-cased as stored). */
export function parseGuidFilter(value: string | undefined, field: string): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (!isGuid(value)) {
    throw new DomainError({ code: 'invalid_guid', kind: 'validation', field, detail: `${field} must be a GUID` });
  }
  return value.toLowerCase();
}

/** An exclusive global position (`after`). */
export function parsePosition(value: string | undefined, field: string): number {
  if (value === undefined || value === '') return 0;
  if (!/^\d{1,15}$/.test(value)) {
    throw new DomainError({
      code: 'invalid_position',
      kind: 'validation',
      field,
      detail: `${field} must be a global position (a non-negative integer)`,
    });
  }
  return Number(value);
}

/**
 * Content negotiation between JSON (default) and CSV: CSV when the Accept header names text/csv with a
 * higher weight than any JSON type it also names.
 */
export function wantsCsv(accept: string | undefined): boolean {
  if (!accept) return false;
  let csv = -1;
  let json = -1;
  for (const part of accept.split(',')) {
    const [type, ...params] = part.trim().toLowerCase().split(';');
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const q = qParam ? Number(qParam.slice(2)) : 1;
    if (!Number.isFinite(q)) continue;
    if (type === 'text/csv') csv = Math.max(csv, q);
    if (type === 'application/json' || type === 'application/*') json = Math.max(json, q);
  }
  return csv > 0 && csv > json;
}

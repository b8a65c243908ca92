/**
 * Webhook retry timing (Standard Webhooks' schedule): when each attempt of a delivery is due, with jitter and the
 * receiver's Retry-After. Pure: the clock and the random source are passed in.
 */

/** The spec's schedule: immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h, 24 h (ten attempts). */
export const DEFAULT_RETRY_SCHEDULE = '0,5s,5m,30m,2h,5h,10h,14h,20h,24h';

/** A Retry-After longer than this is capped: a receiver cannot park a delivery for days. */
export const MAX_RETRY_AFTER_MS = 24 * 3_600_000;

/** Jitter: a delay moves by up to ±10 %, so retries of many deliveries do not hit a receiver at once. */
export const RETRY_JITTER = 0.1;

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `0`, `250ms`, `5s`, `5m`, `2h`, `1d` → milliseconds; undefined when it is not a duration. */
export function parseDuration(text: string): number | undefined {
  const m = /^(\d{1,9})(ms|s|m|h|d)?$/.exec(text.trim());
  if (!m) return undefined;
  const n = Number(m[1]);
  if (m[2] === undefined) return n === 0 ? 0 : undefined;
  return n * UNITS[m[2]];
}

export type RetryScheduleResult = { ok: true; delaysMs: number[] } | { ok: false; reason: string };

/**
 * `0,5s,5m,30m,2h`: the delay before each attempt, the first one's included (attempt n waits delaysMs[n-1] after
 * attempt n-1 failed). 1 to 50 entries, each a duration; a bare number must be 0.
 */
export function parseRetrySchedule(text: string): RetryScheduleResult {
  const parts = text.split(',').map((p) => p.trim());
  if (parts.length === 0 || parts.length > 50) return { ok: false, reason: 'must list 1 to 50 delays' };
  const delaysMs: number[] = [];
  for (const part of parts) {
    const ms = parseDuration(part);
    if (ms === undefined) return { ok: false, reason: `"${part}" is not a delay such as 0, 500ms, 5s, 5m, 2h or 1d` };
    delaysMs.push(ms);
  }
  return { ok: true, delaysMs };
}

/**
 * Retry-After as seconds or an HTTP date, in milliseconds from now (never negative, capped); undefined when
 * absent or unreadable.
 */
export function parseRetryAfter(header: string | undefined | null, nowMs: number): number | undefined {
  if (header === undefined || header === null) return undefined;
  const text = header.trim();
  if (/^\d{1,10}$/.test(text)) return Math.min(Number(text) * 1000, MAX_RETRY_AFTER_MS);
  const at = Date.parse(text);
  if (Number.isNaN(at) || !/[a-z]/i.test(text)) return undefined;
  return Math.min(Math.max(0, at - nowMs), MAX_RETRY_AFTER_MS);
}

export interface NextAttempt {
  /** The schedule's delay with jitter, or the receiver's Retry-After when that is longer. */
  delayMs: number;
  /** 1-based number of the attempt this delay leads to. */
  attempt: number;
}

/**
 * After attempt `attemptsMade` failed: the next attempt and its delay, or undefined when the schedule is exhausted
 * (the delivery has failed). `random` is a value in [0, 1).
 */
export function nextAttempt(
  delaysMs: readonly number[],
  attemptsMade: number,
  random: number,
  retryAfterMs?: number,
): NextAttempt | undefined {
  if (attemptsMade >= delaysMs.length) return undefined;
  const base = delaysMs[attemptsMade];
  const jittered = Math.round(base * (1 + RETRY_JITTER * (2 * random - 1)));
  const delayMs = Math.max(jittered, retryAfterMs ?? 0);
  return { delayMs, attempt: attemptsMade + 1 };
}

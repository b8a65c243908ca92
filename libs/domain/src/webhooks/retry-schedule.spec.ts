import fc from 'fast-check';
import {
  DEFAULT_RETRY_SCHEDULE,
  MAX_RETRY_AFTER_MS,
  nextAttempt,
  parseDuration,
  parseRetryAfter,
  parseRetrySchedule,
  RETRY_JITTER,
} from './retry-schedule';

describe('webhook retry schedule', () => {
  it('given the spec schedule, then ten attempts: immediately, 5 s, 5 min … 24 h', () => {
    const r = parseRetrySchedule(DEFAULT_RETRY_SCHEDULE);
    expect(r).toEqual({
      ok: true,
      delaysMs: [0, 5e3, 3e5, 18e5, 72e5, 18e6, 36e6, 504e5, 72e6, 864e5],
    });
  });

  it('given a test schedule 0,1s,2s and 250ms, then they parse; a unitless non-zero or a word does not', () => {
    expect(parseRetrySchedule('0,1s,2s')).toEqual({ ok: true, delaysMs: [0, 1000, 2000] });
    expect(parseDuration('250ms')).toBe(250);
    expect(parseDuration('1d')).toBe(86_400_000);
    expect(parseDuration('5')).toBeUndefined();
    expect(parseRetrySchedule('0,soon')).toEqual({ ok: false, reason: expect.stringContaining('"soon"') });
    expect(parseRetrySchedule('')).toEqual({ ok: false, reason: expect.any(String) });
  });

  it('property: a schedule written from delays parses back to them', () => {
    const unit = fc.constantFrom(['ms', 1], ['s', 1000], ['m', 60_000], ['h', 3_600_000]) as fc.Arbitrary<
      [string, number]
    >;
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 1000 }), unit), { minLength: 1, maxLength: 50 }),
        (ds) => {
          const text = ds.map(([n, [u]]) => `${n}${u}`).join(',');
          expect(parseRetrySchedule(text)).toEqual({ ok: true, delaysMs: ds.map(([n, [, f]]) => n * f) });
        },
      ),
    );
  });

  it('property: the next delay is the scheduled one ±10 %, never below Retry-After, none after the last', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 86_400_000 }), { minLength: 1, maxLength: 12 }),
        fc.nat({ max: 14 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        fc.option(fc.integer({ min: 0, max: MAX_RETRY_AFTER_MS }), { nil: undefined }),
        (delays, made, random, retryAfter) => {
          const next = nextAttempt(delays, made, random, retryAfter);
          if (made >= delays.length) return expect(next).toBeUndefined();
          const base = delays[made];
          expect(next!.attempt).toBe(made + 1);
          expect(next!.delayMs).toBeGreaterThanOrEqual(
            Math.max(Math.floor(base * (1 - RETRY_JITTER)), retryAfter ?? 0),
          );
          expect(next!.delayMs).toBeLessThanOrEqual(Math.max(Math.ceil(base * (1 + RETRY_JITTER)), retryAfter ?? 0));
        },
      ),
    );
  });

  it('given Retry-After in seconds or as an HTTP date, then milliseconds from now, capped at 24 h; junk is ignored', () => {
    const now = Date.parse('2026-12-07T10:00:00Z');
    expect(parseRetryAfter('2', now)).toBe(2000);
    expect(parseRetryAfter('Mon, 07 Dec 2026 10:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Mon, 07 Dec 2026 09:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('999999', now)).toBe(MAX_RETRY_AFTER_MS);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });
});

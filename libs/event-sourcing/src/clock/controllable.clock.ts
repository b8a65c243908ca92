import type { Clock } from './clock.port';

export interface ClockAdvance {
  days?: number;
  hours?: number;
  minutes?: number;
  seconds?: number;
  milliseconds?: number;
}

/** A clock that only moves when told to: for tests and the fault suites (day 29 vs day 30, link expiry). */
export class ControllableClock implements Clock {
  private current: number;

  constructor(start: Date | string | number = '2024-06-01T00:00:00.000Z') {
    this.current = ControllableClock.toMillis(start);
  }

  /** A fresh Date each time, so callers cannot move the clock by mutating what they got. */
  now(): Date {
    return new Date(this.current);
  }

  set(instant: Date | string | number): this {
    this.current = ControllableClock.toMillis(instant);
    return this;
  }

  /** Milliseconds, or a duration; negative values move back (clock skew in the fault suites). */
  advance(by: number | ClockAdvance): this {
    const ms =
      typeof by === 'number'
        ? by
        : (by.days ?? 0) * 86_400_000 +
          (by.hours ?? 0) * 3_600_000 +
          (by.minutes ?? 0) * 60_000 +
          (by.seconds ?? 0) * 1_000 +
          (by.milliseconds ?? 0);
    if (!Number.isFinite(ms)) throw new RangeError('ControllableClock.advance: not a finite duration');
    this.current += ms;
    return this;
  }

  private static toMillis(instant: Date | string | number): number {
    const ms =
      instant instanceof Date ? instant.getTime() : typeof instant === 'number' ? instant : Date.parse(instant);
    if (!Number.isFinite(ms)) throw new RangeError(`ControllableClock: invalid instant ${String(instant)}`);
    return ms;
  }
}

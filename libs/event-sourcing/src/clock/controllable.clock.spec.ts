import { ControllableClock } from './controllable.clock';
import { SystemClock } from './system.clock';

describe('clocks', () => {
  it('SystemClock tells the time', () => {
    const before = Date.now();
    const now = new SystemClock().now().getTime();
    expect(now).toBeGreaterThanOrEqual(before);
    expect(now).toBeLessThanOrEqual(Date.now());
  });

  it('ControllableClock moves only when told, and by durations', () => {
    const clock = new ControllableClock('2024-02-28T12:00:00.000Z');
    expect(clock.now().toISOString()).toBe('2024-02-28T12:00:00.000Z');
    clock.advance({ days: 1 });
    expect(clock.now().toISOString()).toBe('2024-02-29T12:00:00.000Z');
    clock.advance({ hours: 11, minutes: 59, seconds: 59, milliseconds: 999 }).advance(1);
    expect(clock.now().toISOString()).toBe('2024-03-01T00:00:00.000Z');
    clock.set(new Date('2030-01-01T00:00:00Z')).advance(-1000);
    expect(clock.now().toISOString()).toBe('2029-12-31T23:59:59.000Z');
  });

  it('hands out copies, so mutating one does not move the clock', () => {
    const clock = new ControllableClock(0);
    clock.now().setFullYear(2000);
    expect(clock.now().getTime()).toBe(0);
  });

  it('refuses invalid instants and durations', () => {
    expect(() => new ControllableClock('not a date')).toThrow(RangeError);
    expect(() => new ControllableClock().advance(Number.NaN)).toThrow(RangeError);
  });
});

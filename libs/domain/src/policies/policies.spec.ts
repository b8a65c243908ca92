import { defaultDomainData } from '../shared/default-data';
import {
  cancellationWindowEndsAt,
  currentPolicy,
  daysRemaining,
  daysUsed,
  findPolicy,
  isCancellableKind,
  isWithinWindow,
  lineCredit,
  policyInForceAt,
  termDays,
} from './policies';
import { validatePolicies } from './policies.validation';
import policiesJson from '../../../../config/policies.json';

const book = () => defaultDomainData().policies;
const placedAt = new Date('2024-03-10T09:30:00.000Z');
const plus = (ms: number) => new Date(placedAt.getTime() + ms);
const S = 1000;
const H = 3600 * S;
const D = 24 * H;

describe('policy versions', () => {
  it('the data is valid and current is 2024-01 with 30 days; 2019 (60 days) is kept for replays', () => {
    expect(validatePolicies(policiesJson)).toEqual([]);
    expect(currentPolicy(book()).version).toBe('2024-01');
    expect(currentPolicy(book()).cancellation.windowDays).toEqual({ perpetual: 30, softwareSubscription: 30 });
    expect(findPolicy(book(), '2019').cancellation.windowDays.perpetual).toBe(60);
    expect(() => findPolicy(book(), '1999')).toThrow(RangeError);
  });

  it('policyInForceAt picks the latest effective version', () => {
    expect(policyInForceAt(book(), new Date('2020-06-01T00:00:00Z'))?.version).toBe('2019');
    expect(policyInForceAt(book(), new Date('2024-06-01T00:00:00Z'))?.version).toBe('2024-01');
    expect(policyInForceAt(book(), new Date('2000-01-01T00:00:00Z'))).toBeUndefined();
  });

  it('validation reports every problem', () => {
    const broken = JSON.parse(JSON.stringify(policiesJson));
    broken.current = 'nope';
    broken.versions[0].cancellation.windowDays.perpetual = -1;
    broken.versions[1].credit.rounding = 'halfUp';
    expect(validatePolicies(broken)).toEqual([
      'current must name one of the versions',
      'versions[0].cancellation.windowDays.perpetual must be a positive integer',
      'versions[1].credit must be { basisByKind, rounding: "halfEven" }',
    ]);
  });

  it('SUSE/Red Hat plans and Azure reservations are never cancellable', () => {
    const p = currentPolicy(book());
    expect(isCancellableKind(p, 'perpetual')).toBe(true);
    expect(isCancellableKind(p, 'softwareSubscription')).toBe(true);
    expect(isCancellableKind(p, 'softwarePlan')).toBe(false);
    expect(isCancellableKind(p, 'azureReservation')).toBe(false);
    expect(cancellationWindowEndsAt(p, 'softwarePlan', placedAt)).toBeNull();
  });
});

describe('the 30-day window (now < purchase + 30 × 24 h)', () => {
  const end = () => cancellationWindowEndsAt(currentPolicy(book()), 'perpetual', placedAt) as Date;

  it('ends 30 × 24 h after the purchase instant', () => expect(end().toISOString()).toBe('2024-04-09T09:30:00.000Z'));
  it('29 d 23:59:59 in: open, 1 day remaining', () => {
    const now = plus(30 * D - S);
    expect(isWithinWindow(now, end())).toBe(true);
    expect(daysRemaining(now, end())).toBe(1);
  });
  it('exactly 30 days in: closed, 0 days remaining', () => {
    expect(isWithinWindow(plus(30 * D), end())).toBe(false);
    expect(daysRemaining(plus(30 * D), end())).toBe(0);
  });
  it('at the purchase instant: 30 days remaining; 1 ms later still 30 (rounded up)', () => {
    expect(daysRemaining(placedAt, end())).toBe(30);
    expect(daysRemaining(plus(1), end())).toBe(30);
    expect(daysRemaining(plus(D), end())).toBe(29);
  });
  it('the historical 2019 policy had 60 days', () => {
    const e = cancellationWindowEndsAt(findPolicy(book(), '2019'), 'perpetual', placedAt) as Date;
    expect(isWithinWindow(plus(45 * D), e)).toBe(true);
    expect(isWithinWindow(plus(60 * D), e)).toBe(false);
  });
});

describe('days used (started days)', () => {
  it.each([
    [0, 1],
    [23 * H + 59 * 60 * S, 1],
    [D, 2],
    [2 * D + 5 * H, 3],
    [29 * D + 12 * H, 30],
    [30 * D - S, 30],
  ])('%i ms after the purchase → %i', (ms, days) => expect(daysUsed(placedAt, plus(ms))).toBe(days));
});

describe('term days', () => {
  it.each([
    ['2023-03-10T09:30:00Z', 'P1Y', 366], // spans 29 Feb 2024
    ['2024-03-10T09:30:00Z', 'P1Y', 365],
    ['2024-02-28T23:00:00Z', 'P1Y', 366], // 28 Feb 2024 → 28 Feb 2025 spans 29 Feb 2024
    ['2024-02-29T12:00:00Z', 'P1Y', 365], // 29 Feb 2024 → 28 Feb 2025 (end-of-month clamp)
    ['2024-03-01T00:00:00Z', 'P1Y', 365],
    ['2023-01-15T00:00:00Z', 'P3Y', 1096], // spans 29 Feb 2024
    ['2021-01-15T00:00:00Z', 'P3Y', 1095],
    ['2024-01-31T00:00:00Z', 'P1M', 29],
  ] as const)('%s + %s = %i days', (start, term, days) => expect(termDays(term, new Date(start))).toBe(days));
});

describe('line credit', () => {
  const p = () => currentPolicy(book());
  it('perpetual: 100 %', () =>
    expect(
      lineCredit(p(), { kind: 'perpetual', termDuration: null, lineTotal: 106900 }, placedAt, plus(29 * D)),
    ).toEqual({
      credit: 106900,
      basis: 'full',
      daysUsed: 30,
      termDays: null,
    }));
  it('subscription cancelled on day 1 keeps 1 day: 38500 × 364/365', () =>
    expect(
      lineCredit(p(), { kind: 'softwareSubscription', termDuration: 'P1Y', lineTotal: 38500 }, placedAt, plus(H)),
    ).toEqual({
      credit: 38395,
      basis: 'prorated',
      daysUsed: 1,
      termDays: 365, // 38394.52… → 38395
    }));
  it('subscription cancelled on day 30 keeps 30 days: 38500 × 335/365', () =>
    expect(
      lineCredit(
        p(),
        { kind: 'softwareSubscription', termDuration: 'P1Y', lineTotal: 38500 },
        placedAt,
        plus(29 * D + 23 * H),
      ),
    ).toEqual({
      credit: 35336,
      basis: 'prorated',
      daysUsed: 30,
      termDays: 365, // 35335.616… → 35336
    }));
  it('rounds half to even once per line (366-day term, 1 day used)', () => {
    const leapStart = new Date('2023-03-10T09:30:00.000Z');
    const sub = (lineTotal: number) => ({
      kind: 'softwareSubscription' as const,
      termDuration: 'P1Y' as const,
      lineTotal,
    });
    expect(lineCredit(p(), sub(183), leapStart, new Date(leapStart.getTime() + H)).credit).toBe(182); // 182.5 → 182
    expect(lineCredit(p(), sub(549), leapStart, new Date(leapStart.getTime() + H)).credit).toBe(548); // 547.5 → 548
  });
});

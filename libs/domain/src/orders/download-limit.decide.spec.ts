import fc from 'fast-check';
import { DomainError } from '../shared/domain-error';
import { ADMIN_AGENT, at, ctxAt, DAY, history, OFFERS, placeOrder, T0 } from '../testing/fixtures';
import type { IssueDownloadLink, RecordDownload } from './order.commands';
import { orderDecider } from './order.decide';
import type { OrderEvent, SoftwareDownloaded } from './order.events';
import { evolveOrder, initialOrderState, type PlacedOrderState } from './order.state';

const H = 3_600_000;
const EXPIRES_AT = at(T0, 14 * DAY);
const LINKS = ['link-0', 'link-1'] as const;

const issue = (lineItemNumber: number, maxDownloads: number): IssueDownloadLink => ({
  type: 'IssueDownloadLink',
  data: {
    lineItemNumber,
    version: '2022',
    language: 'en-US',
    bitness: 'x64',
    linkId: LINKS[lineItemNumber],
    expiresAt: EXPIRES_AT.toISOString(),
    maxDownloads,
    user: ADMIN_AGENT,
    channel: 'partnerCenter',
  },
});
const download = (linkId: string): RecordDownload => ({
  type: 'RecordDownload',
  data: { linkId, sha256: 'b'.repeat(64), bytes: 1 },
});

/** Two links of one order, each with its own limit, issued an hour after the purchase. */
const issued = (limits: readonly [number, number]): OrderEvent[] =>
  history([
    [
      placeOrder('PL', [
        [OFFERS.wsStdPerpetual, 1],
        [OFFERS.wsDcPerpetual, 1],
      ]),
      T0,
    ],
    [issue(0, limits[0]), at(T0, H)],
    [issue(1, limits[1]), at(T0, H)],
  ]);

/** The next attempt: some time later, or exactly at (or 1 ms before) the expiry, where the boundary lies. */
const attempt = fc.record({
  link: fc.constantFrom(0, 1),
  after: fc.oneof(
    { weight: 8, arbitrary: fc.integer({ min: 0, max: DAY }) },
    { weight: 1, arbitrary: fc.constantFrom('expiry' as const, 'justBeforeExpiry' as const) },
  ),
});
const next = (now: Date, after: number | 'expiry' | 'justBeforeExpiry'): Date => {
  if (typeof after === 'number') return at(now, after);
  const target = at(EXPIRES_AT, after === 'expiry' ? 0 : -1);
  return target > now ? target : now;
};

describe('the remaining-downloads rule (property)', () => {
  it('given any limits and any attempts in time order, when each is decided on the stream so far, then a link serves exactly min(attempts, maxDownloads) before it expires, numbered 1..n, and refuses the rest without an event', () => {
    fc.assert(
      fc.property(
        fc.tuple(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 12 })),
        fc.array(attempt, { maxLength: 40 }),
        (limits, attempts) => {
          let events = issued(limits);
          let now = at(T0, 2 * H);
          const served = [0, 0];
          for (const a of attempts) {
            now = next(now, a.after);
            const state = events.reduce(evolveOrder, initialOrderState());
            const expected =
              now >= EXPIRES_AT ? 'link_expired' : served[a.link] >= limits[a.link] ? 'link_used_up' : undefined;
            let decided: OrderEvent[] = [];
            let refused: DomainError | undefined;
            try {
              decided = orderDecider.decide(download(LINKS[a.link]), state, ctxAt(now));
            } catch (error) {
              if (!(error instanceof DomainError)) throw error;
              refused = error;
            }
            if (expected) {
              expect({ code: refused?.code, kind: refused?.kind, decided }).toEqual({
                code: expected,
                kind: 'gone',
                decided: [],
              });
              continue;
            }
            served[a.link] += 1;
            expect(decided).toHaveLength(1);
            const d = (decided[0] as SoftwareDownloaded).data;
            expect({ linkId: d.linkId, downloadNumber: d.downloadNumber }).toEqual({
              linkId: LINKS[a.link],
              downloadNumber: served[a.link],
            });
            events = [...events, ...decided];
          }
          const final = events.reduce(evolveOrder, initialOrderState()) as PlacedOrderState;
          LINKS.forEach((id, i) => {
            expect(final.links[id].downloads).toBe(served[i]);
            expect(final.links[id].downloads).toBeLessThanOrEqual(limits[i]);
          });
        },
      ),
      { numRuns: 300 },
    );
  });

  it('given one state, when racers decide on it, then they all claim the same download number (why the append must carry the expected version)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 12 }), fc.integer({ min: 2, max: 20 }), (max, racers) => {
        const state = issued([max, 1]).reduce(evolveOrder, initialOrderState());
        const numbers = Array.from({ length: racers }, () => {
          const [e] = orderDecider.decide(download(LINKS[0]), state, ctxAt(at(T0, 2 * H)));
          return (e as SoftwareDownloaded).data.downloadNumber;
        });
        expect(new Set(numbers)).toEqual(new Set([1]));
      }),
    );
  });
});

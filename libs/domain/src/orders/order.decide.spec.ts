import { defaultDomainData } from '../shared/default-data';
import { deciderSpec } from '../testing/decider-spec';
import {
  ADMIN_AGENT,
  at,
  CUSTOMER,
  ctxAt,
  customerIn,
  DAY,
  history,
  OFFERS,
  ORDER,
  PARTNER,
  placedEvents,
  placeOrder,
  T0,
} from '../testing/fixtures';
import type { CancelOrder, IssueDownloadLink, OrderCommand, RecordDownload, RevealKey } from './order.commands';
import { KMS_EXPLANATION, orderDecider } from './order.decide';
import type { OrderCancelled, OrderEvent, OrderPlaced } from './order.events';
import { evolveOrder, initialOrderState, parseSoftwareId, softwareIdOf, type PlacedOrderState } from './order.state';

const S = 1000;
const MIN = 60 * S;
const H = 60 * MIN;
const specAt = (now: Date) => deciderSpec(orderDecider, () => ctxAt(now));
const spec = specAt(at(T0, H));

const reveal = (over: Partial<RevealKey['data']> = {}): RevealKey => ({
  type: 'RevealKey',
  data: { lineItemNumber: 0, version: '2022', keyType: 'MAK', user: ADMIN_AGENT, channel: 'partnerCenter', ...over },
});
const link = (over: Partial<IssueDownloadLink['data']> = {}): IssueDownloadLink => ({
  type: 'IssueDownloadLink',
  data: {
    lineItemNumber: 0,
    version: '2022',
    language: 'en-US',
    bitness: 'x64',
    linkId: 'link-1',
    expiresAt: at(T0, 14 * DAY).toISOString(),
    maxDownloads: 2,
    user: ADMIN_AGENT,
    channel: 'partnerCenter',
    ...over,
  },
});
const SHA = 'a'.repeat(64);
const download = (linkId = 'link-1'): RecordDownload => ({
  type: 'RecordDownload',
  data: { linkId, sha256: SHA, bytes: 5_000_000 },
});
const cancel = (lineItemNumbers?: number[], acknowledgedNotice = true): CancelOrder => ({
  type: 'CancelOrder',
  data: { ...(lineItemNumbers ? { lineItemNumbers } : {}), acknowledgedNotice, requestedBy: ADMIN_AGENT },
});
const stateOf = (events: OrderEvent[]) => events.reduce(evolveOrder, initialOrderState()) as PlacedOrderState;
const cancelledData = (events: OrderEvent[]): OrderCancelled['data'] => (events[0] as OrderCancelled).data;
const decideAt = (given: OrderEvent[], command: OrderCommand, now: Date) =>
  orderDecider.decide(command, stateOf(given), ctxAt(now));

describe('PlaceOrder', () => {
  it('records everything needed to rebuild the order without the catalog', () => {
    specAt(T0)
      .given([])
      .when(
        placeOrder('PL', [
          [OFFERS.wsStdPerpetual, 2],
          [OFFERS.wsStdP1Y, 1],
        ]),
      )
      .thenMatches((events, state) => {
        expect(events).toHaveLength(1);
        const e = events[0] as OrderPlaced;
        expect(e.type).toBe('OrderPlaced');
        expect(e.data).toMatchObject({
          orderId: ORDER,
          customerId: CUSTOMER,
          partnerTenantId: PARTNER,
          country: 'PL',
          currencyCode: 'PLN',
          taxInclusive: false,
          total: 2 * 427600 + 154000,
          placedAt: T0.toISOString(),
          status: 'completed',
          catalogVersion: '2024-06',
          policyVersion: '2024-01',
          placedBy: { userId: ADMIN_AGENT.userId, upn: ADMIN_AGENT.upn },
        });
        expect(e.data.lineItems[0]).toMatchObject({
          lineItemNumber: 0,
          offerId: OFFERS.wsStdPerpetual,
          friendlyName: 'Windows Server 2022 Standard - 16 Core License Pack',
          kind: 'perpetual',
          termDuration: null,
          quantity: 2,
          unitPrice: 427600,
          lineTotal: 855200,
          cancellable: true,
          versions: ['2022', '2019', '2016'],
          bitness: ['x64'],
        });
        expect(e.data.lineItems[1]).toMatchObject({
          kind: 'softwareSubscription',
          termDuration: 'P1Y',
          unitPrice: 154000,
          lineTotal: 154000,
        });
        expect(JSON.parse(JSON.stringify(e))).toEqual(e); // JSON-serialisable
        expect(state.status).toBe('completed');
      });
  });

  it('keeps line items sorted by number whatever the request order', () => {
    const cmd = placeOrder('US', [
      [OFFERS.wsStdPerpetual, 1],
      [OFFERS.susePlan, 1],
    ]);
    cmd.data.lineItems = [...cmd.data.lineItems].reverse();
    specAt(T0)
      .given([])
      .when(cmd)
      .thenMatches((events) =>
        expect((events[0] as OrderPlaced).data.lineItems.map((l) => l.lineItemNumber)).toEqual([0, 1]),
      );
  });

  it.each([
    ['JP', 'JPY', 160400 * 3],
    ['KR', 'KRW', 1421800 * 3],
    ['KW', 'KWD', 328180 * 3],
    ['US', 'USD', 106900 * 3],
  ])('prices a %s order in %s minor units', (country, currencyCode, total) => {
    specAt(T0)
      .given([])
      .when(placeOrder(country, [[OFFERS.wsStdPerpetual, 3]]))
      .thenMatches((events) => expect((events[0] as OrderPlaced).data).toMatchObject({ currencyCode, total }));
  });

  it.each([
    ['AU', true],
    ['BR', true],
    ['US', false],
    ['DE', false],
  ])('%s orders are tax-inclusive: %s', (country, taxInclusive) => {
    specAt(T0)
      .given([])
      .when(placeOrder(country, [[OFFERS.sqlStdPerpetual, 1]]))
      .thenMatches((events) => expect((events[0] as OrderPlaced).data.taxInclusive).toBe(taxInclusive));
  });

  it('needs at least one line item', () => {
    const cmd = placeOrder('US', []);
    specAt(T0).given([]).when(cmd).thenThrows({ code: 'no_line_items', kind: 'validation', field: 'lineItems' });
  });

  it('refuses duplicate line numbers', () => {
    const cmd = placeOrder('US', [
      [OFFERS.wsStdPerpetual, 1],
      [OFFERS.wsDcPerpetual, 1],
    ]);
    cmd.data.lineItems[1].lineItemNumber = 0;
    specAt(T0)
      .given([])
      .when(cmd)
      .thenThrows({ code: 'duplicate_line_item_number', field: 'lineItems[1].lineItemNumber' });
  });

  it('refuses line numbers outside 0..n-1', () => {
    const cmd = placeOrder('US', [[OFFERS.wsStdPerpetual, 1]]);
    cmd.data.lineItems[0].lineItemNumber = 1;
    specAt(T0)
      .given([])
      .when(cmd)
      .thenThrows({ code: 'invalid_line_item_number', field: 'lineItems[0].lineItemNumber' });
  });

  it('refuses an unknown offer naming the field', () =>
    specAt(T0)
      .given([])
      .when(placeOrder('US', [['NOPE00000000:0001:NOPE00000001', 1]]))
      .thenThrows({ code: 'unknown_offer', kind: 'validation', field: 'lineItems[0].offerId' }));

  it.each([0, -1, 10_001, 1.5, Number.NaN])('refuses quantity %p', (q) =>
    specAt(T0)
      .given([])
      .when(placeOrder('US', [[OFFERS.wsStdPerpetual, q]]))
      .thenThrows({ code: 'invalid_quantity', field: 'lineItems[0].quantity' }),
  );

  it('accepts quantities 1 and 10 000', () => {
    specAt(T0)
      .given([])
      .when(
        placeOrder('US', [
          [OFFERS.wsStdPerpetual, 1],
          [OFFERS.wsStdPerpetual, 10_000],
        ]),
      )
      .thenMatches((e) => expect(e).toHaveLength(1));
  });

  it('names every bad field at once', () => {
    const e = specAt(T0)
      .given([])
      .when(
        placeOrder('US', [
          ['bad', 0],
          [OFFERS.wsStdPerpetual, 1],
        ]),
      )
      .thenError({ code: 'validation_failed', kind: 'validation' });
    expect(e.errors.map((i) => i.field)).toEqual(['lineItems[0].offerId', 'lineItems[0].quantity']);
  });

  it('an order id is placed once', () =>
    specAt(T0)
      .given(placedEvents('US', [[OFFERS.wsStdPerpetual, 1]]))
      .when(placeOrder('US', [[OFFERS.wsStdPerpetual, 1]]))
      .thenThrows({ code: 'order_already_exists', kind: 'conflict' }));

  it('sells Azure reservations and software plans where reservations are sold', () => {
    specAt(T0)
      .given([])
      .when(
        placeOrder('US', [
          [OFFERS.reservationP1Y, 1],
          [OFFERS.rhelPlan, 1],
        ]),
      )
      .thenMatches((e) => expect(e[0].type).toBe('OrderPlaced'));
  });

  describe('markets with no Azure reservations (all 109 names of the 2019-11-30 list)', () => {
    const entries = defaultDomainData().markets.azureReservationExclusions.versions[0].entries;
    it('has 109 names', () => expect(entries).toHaveLength(109));

    it.each(entries.map((e) => [e.name, e.code]))(
      '%s (%s): a reservation is refused naming the market, software is still sold',
      (name, code) => {
        const e = specAt(T0)
          .given([])
          .when(
            placeOrder(code, [
              [OFFERS.wsStdPerpetual, 1],
              [OFFERS.reservationP3Y, 2],
            ]),
          )
          .thenError({ code: 'offer_not_available_in_market', kind: 'unprocessable', field: 'lineItems[1].offerId' });
        expect(e.kind).toBe('unprocessable');
        expect(e.detail).toContain(`(${code})`);
        expect(e.data.market).toMatchObject({ code });
        expect((e.data.market as { listedAs: string[] }).listedAs).toContain(name);
        expect(e.data.lineItemNumbers).toEqual([1]);
        specAt(T0)
          .given([])
          .when(
            placeOrder(code, [
              [OFFERS.wsStdPerpetual, 1],
              [OFFERS.sqlStdP1Y, 1],
              [OFFERS.susePlan, 1],
            ]),
          )
          .thenMatches((events) => expect((events[0] as OrderPlaced).data.country).toBe(code));
      },
    );

    it('names every name sharing a code (BQ: Bonaire, Saba, Sint Eustatius; SJ: Jan Mayen, Svalbard)', () => {
      const bq = specAt(T0)
        .given([])
        .when(placeOrder('BQ', [[OFFERS.reservationP1Y, 1]]))
        .thenError({ code: 'offer_not_available_in_market' });
      expect(bq.data.market).toMatchObject({ code: 'BQ', listedAs: ['Bonaire', 'Saba', 'Sint Eustatius'] });
      expect(bq.detail).toContain('Bonaire, Saba, Sint Eustatius');
      const sj = specAt(T0)
        .given([])
        .when(placeOrder('SJ', [[OFFERS.reservationP1Y, 1]]))
        .thenError({ code: 'offer_not_available_in_market' });
      expect(sj.data.market).toMatchObject({ code: 'SJ', listedAs: ['Jan Mayen', 'Svalbard'] });
      const xk = specAt(T0)
        .given([])
        .when(placeOrder('XK', [[OFFERS.reservationP1Y, 1]]))
        .thenError({ code: 'offer_not_available_in_market' });
      expect(xk.data.market).toMatchObject({ code: 'XK', name: 'Kosovo' });
    });
  });
});

describe('RevealKey (MAK only, never the key in the event)', () => {
  const given = () =>
    placedEvents('DE', [
      [OFFERS.wsStdPerpetual, 1],
      [OFFERS.reservationP1Y, 1],
      [OFFERS.sqlStdP1Y, 1],
    ]);

  it('records who revealed which version through which channel', () =>
    spec
      .given(given())
      .when(reveal())
      .then([
        {
          type: 'KeyRevealed',
          data: {
            orderId: ORDER,
            customerId: CUSTOMER,
            partnerTenantId: PARTNER,
            lineItemNumber: 0,
            offerId: OFFERS.wsStdPerpetual,
            version: '2022',
            keyType: 'MAK',
            userId: ADMIN_AGENT.userId,
            upn: ADMIN_AGENT.upn,
            userTenantId: PARTNER,
            channel: 'partnerCenter',
            at: at(T0, H).toISOString(),
          },
        },
      ]));

  it('defaults to MAK and allows downgrade versions (n-2)', () => {
    spec
      .given(given())
      .when(reveal({ keyType: undefined, version: '2016' }))
      .thenMatches((e) => expect(e[0].data).toMatchObject({ keyType: 'MAK', version: '2016' }));
    spec
      .given(given())
      .when(reveal({ lineItemNumber: 2, version: '2017', channel: 'adminCenter' }))
      .thenMatches((e) => expect(e[0].type).toBe('KeyRevealed'));
  });

  it.each(['KMS', 'kms'])('refuses keyType %s with an explanation', (keyType) => {
    const e = spec
      .given(given())
      .when(reveal({ keyType }))
      .thenError({ code: 'kms_not_allowed', kind: 'validation', field: 'keyType' });
    expect(e.detail).toBe(KMS_EXPLANATION);
    expect(e.detail).toContain('MAK');
  });

  it('refuses other key types', () =>
    spec
      .given(given())
      .when(reveal({ keyType: 'RETAIL' }))
      .thenThrows({ code: 'invalid_key_type', field: 'keyType' }));
  it('refuses a version the offer does not have', () =>
    spec
      .given(given())
      .when(reveal({ version: '2012' }))
      .thenThrows({ code: 'unknown_version', kind: 'validation', field: 'version' }));
  it('an Azure reservation line has no software', () =>
    spec
      .given(given())
      .when(reveal({ lineItemNumber: 1 }))
      .thenThrows({ code: 'software_not_found', kind: 'not_found' }));
  it('an unknown line is not found', () =>
    spec
      .given(given())
      .when(reveal({ lineItemNumber: 7 }))
      .thenThrows({ code: 'software_not_found', kind: 'not_found' }));
  it('an unknown order is not found', () =>
    spec.given([]).when(reveal()).thenThrows({ code: 'order_not_found', kind: 'not_found' }));
  it('refuses an unknown channel', () =>
    spec
      .given(given())
      .when(reveal({ channel: 'fax' as never }))
      .thenThrows({ code: 'invalid_channel', field: 'channel' }));

  it('answers 410 revoked once the line is cancelled, and only for cancelled lines', () => {
    const events = history([
      [
        placeOrder('DE', [
          [OFFERS.wsStdPerpetual, 1],
          [OFFERS.sqlStdP1Y, 1],
        ]),
        T0,
      ],
      [cancel([0]), at(T0, DAY)],
    ]);
    const e = specAt(at(T0, 2 * DAY))
      .given(events)
      .when(reveal())
      .thenError({ code: 'revoked', kind: 'gone' });
    expect(e.kind).toBe('gone');
    specAt(at(T0, 2 * DAY))
      .given(events)
      .when(reveal({ lineItemNumber: 1 }))
      .thenMatches((ev) => expect(ev[0].type).toBe('KeyRevealed'));
  });

  it('no event ever carries a product key', () => {
    const events = history([
      [placeOrder('DE', [[OFFERS.wsStdPerpetual, 1]]), T0],
      [reveal(), at(T0, H)],
      [link(), at(T0, H)],
      [download(), at(T0, 2 * H)],
      [cancel(), at(T0, DAY)],
    ]);
    const json = JSON.stringify(events);
    expect(json).not.toMatch(/productKey|"key"/i);
    expect(json).not.toMatch(/[A-Z0-9]{5}-[A-Z0-9]{5}-[A-Z0-9]{5}-[A-Z0-9]{5}-[A-Z0-9]{5}/);
  });
});

describe('IssueDownloadLink', () => {
  const given = () =>
    placedEvents('PL', [
      [OFFERS.sqlStdPerpetual, 1],
      [OFFERS.susePlan, 1],
    ]);

  it('issues a link (no secret inside)', () =>
    spec
      .given(given())
      .when(link())
      .then([
        {
          type: 'DownloadLinkIssued',
          data: {
            orderId: ORDER,
            customerId: CUSTOMER,
            partnerTenantId: PARTNER,
            lineItemNumber: 0,
            offerId: OFFERS.sqlStdPerpetual,
            linkId: 'link-1',
            version: '2022',
            language: 'en-US',
            bitness: 'x64',
            issuedAt: at(T0, H).toISOString(),
            expiresAt: at(T0, 14 * DAY).toISOString(),
            maxDownloads: 2,
            userId: ADMIN_AGENT.userId,
            upn: ADMIN_AGENT.upn,
            userTenantId: PARTNER,
            channel: 'partnerCenter',
          },
        },
      ]));

  it.each([
    [{ version: '2016' }, 'version', 'unknown_version'],
    [{ language: 'pl-PL' }, 'language', 'unknown_language'], // SQL Server has no Polish media
    [{ bitness: 'x86' }, 'bitness', 'unknown_bitness'], // modelled, but these server products are x64 only
    [{ expiresAt: T0.toISOString() }, 'expiresAt', 'invalid_expiry'],
    [{ maxDownloads: 0 }, 'maxDownloads', 'invalid_max_downloads'],
  ] as const)('refuses %j naming %s', (over, field, code) =>
    spec
      .given(given())
      .when(link(over as never))
      .thenThrows({ code, kind: 'validation', field }),
  );

  it('names every bad field of the combination', () => {
    const e = spec
      .given(given())
      .when(link({ language: 'xx-XX', bitness: 'x86' }))
      .thenError({ code: 'validation_failed' });
    expect(e.errors.map((i) => i.field)).toEqual(['language', 'bitness']);
  });

  it('a plan has no downloads', () =>
    spec
      .given(given())
      .when(link({ lineItemNumber: 1 }))
      .thenThrows({ code: 'software_not_found', kind: 'not_found' }));

  it('a link id is used once', () => {
    const events = history([
      [placeOrder('PL', [[OFFERS.sqlStdPerpetual, 1]]), T0],
      [link(), at(T0, H)],
    ]);
    spec.given(events).when(link()).thenThrows({ code: 'download_link_exists', kind: 'conflict' });
  });

  it('410 after cancellation', () => {
    const events = history([
      [placeOrder('PL', [[OFFERS.sqlStdPerpetual, 1]]), T0],
      [cancel(), at(T0, H)],
    ]);
    specAt(at(T0, 2 * H))
      .given(events)
      .when(link())
      .thenThrows({ code: 'revoked', kind: 'gone' });
  });
});

describe('RecordDownload', () => {
  const given = () =>
    history([
      [
        placeOrder('PL', [
          [OFFERS.wsStdPerpetual, 1],
          [OFFERS.wsDcPerpetual, 1],
        ]),
        T0,
      ],
      [link(), at(T0, H)],
    ]);

  it('records the download with its hash and size, counting per link', () => {
    specAt(at(T0, 2 * H))
      .given(given())
      .when(download())
      .thenMatches((events, state) => {
        expect(events[0]).toEqual({
          type: 'SoftwareDownloaded',
          data: {
            orderId: ORDER,
            customerId: CUSTOMER,
            partnerTenantId: PARTNER,
            lineItemNumber: 0,
            offerId: OFFERS.wsStdPerpetual,
            linkId: 'link-1',
            version: '2022',
            language: 'en-US',
            bitness: 'x64',
            sha256: SHA,
            bytes: 5_000_000,
            downloadNumber: 1,
            channel: 'downloadLink',
            linkIssuedBy: { userId: ADMIN_AGENT.userId, upn: ADMIN_AGENT.upn },
            client: null,
            at: at(T0, 2 * H).toISOString(),
          },
        });
        expect((state as PlacedOrderState).links['link-1'].downloads).toBe(1);
      });
  });

  it('is used up after maxDownloads (2)', () => {
    const events = [...given(), ...decideAt(given(), download(), at(T0, 2 * H))];
    const twice = [...events, ...decideAt(events, download(), at(T0, 3 * H))];
    expect((twice[twice.length - 1].data as { downloadNumber: number }).downloadNumber).toBe(2);
    specAt(at(T0, 4 * H))
      .given(twice)
      .when(download())
      .thenThrows({ code: 'link_used_up', kind: 'gone' });
  });

  it('expires at expiresAt (now ≥ expiresAt), not 1 ms before', () => {
    specAt(at(T0, 14 * DAY - 1))
      .given(given())
      .when(download())
      .thenMatches((e) => expect(e).toHaveLength(1));
    specAt(at(T0, 14 * DAY))
      .given(given())
      .when(download())
      .thenThrows({ code: 'link_expired', kind: 'gone' });
  });

  it('is revoked when its line is cancelled', () => {
    const events = [...given(), ...decideAt(given(), cancel([0]), at(T0, DAY))];
    expect((events[events.length - 1] as OrderCancelled).data.revokedLinkIds).toEqual(['link-1']);
    specAt(at(T0, 2 * DAY))
      .given(events)
      .when(download())
      .thenThrows({ code: 'revoked', kind: 'gone' });
  });

  it('an unknown link is not found', () =>
    spec.given(given()).when(download('nope')).thenThrows({ code: 'download_link_not_found', kind: 'not_found' }));
  it('needs a SHA-256 and a size', () => {
    const e = spec
      .given(given())
      .when({ type: 'RecordDownload', data: { linkId: 'link-1', sha256: 'x', bytes: -1 } })
      .thenError({ code: 'validation_failed' });
    expect(e.errors.map((i) => i.field)).toEqual(['sha256', 'bytes']);
  });
});

describe('CancelOrder', () => {
  const perpetual = () => placedEvents('US', [[OFFERS.wsStdPerpetual, 2]]);

  it('29 d 23:59:59 after the purchase: cancelled with a 100 % credit for perpetual software', () => {
    const now = at(T0, 30 * DAY - S);
    specAt(now)
      .given(perpetual())
      .when(cancel())
      .then([
        {
          type: 'OrderCancelled',
          data: {
            orderId: ORDER,
            customerId: CUSTOMER,
            partnerTenantId: PARTNER,
            lineItems: [
              {
                lineItemNumber: 0,
                offerId: OFFERS.wsStdPerpetual,
                friendlyName: 'Windows Server 2022 Standard - 16 Core License Pack',
                kind: 'perpetual',
                termDuration: null,
                quantity: 2,
                unitPrice: 106900,
                lineTotal: 213800,
                credit: 213800,
                basis: 'full',
                daysUsed: 30,
                termDays: null,
              },
            ],
            currencyCode: 'USD',
            taxInclusive: false,
            totalCredit: 213800,
            earlyTerminationFee: 0,
            cancelledAt: now.toISOString(),
            propagationDeadline: at(now, 15 * MIN).toISOString(),
            statusAfter: 'cancelled',
            windowEndsAt: at(T0, 30 * DAY).toISOString(),
            policyVersion: '2024-01',
            requestedBy: { userId: ADMIN_AGENT.userId, upn: ADMIN_AGENT.upn, tenantId: PARTNER },
            revokedLinkIds: [],
            acknowledgedCancellationNotice: true,
          },
        },
      ]);
  });

  it('exactly 30 days after the purchase: 409 cancellation_window_passed saying when it closed', () => {
    const e = specAt(at(T0, 30 * DAY))
      .given(perpetual())
      .when(cancel())
      .thenError({
        code: 'cancellation_window_passed',
        kind: 'conflict',
        data: { windowEndsAt: '2024-04-09T09:30:00.000Z' },
      });
    expect(e.detail).toContain('2024-04-09T09:30:00.000Z');
  });

  it('a subscription cancelled on day 1 keeps 1 day; on day 30 keeps 30', () => {
    const sub = () => placedEvents('US', [[OFFERS.wsStdP1Y, 1]]); // 38500 USD cents, P1Y from 2024-03-10 = 365 days
    specAt(at(T0, 5 * MIN))
      .given(sub())
      .when(cancel())
      .thenMatches((e) =>
        expect(cancelledData(e).lineItems[0]).toMatchObject({
          credit: 38395,
          basis: 'prorated',
          daysUsed: 1,
          termDays: 365,
        }),
      );
    specAt(at(T0, 29 * DAY + 23 * H))
      .given(sub())
      .when(cancel())
      .thenMatches((e) =>
        expect(cancelledData(e).lineItems[0]).toMatchObject({
          credit: 35336,
          basis: 'prorated',
          daysUsed: 30,
          termDays: 365,
        }),
      );
    specAt(at(T0, 2 * DAY + 5 * H))
      .given(sub())
      .when(cancel())
      .thenMatches((e) =>
        expect(cancelledData(e).lineItems[0]).toMatchObject({ daysUsed: 3, credit: Math.round((38500 * 362) / 365) }),
      );
  });

  it('a P1Y term spanning 29 February has 366 days', () => {
    const placedAt = new Date('2023-12-01T10:00:00.000Z');
    const events = placedEvents('US', [[OFFERS.wsStdP1Y, 1]], placedAt);
    specAt(at(placedAt, 9 * DAY + H))
      .given(events)
      .when(cancel())
      .thenMatches((e) =>
        // 38500 × (366 − 10) / 366 = 37448.08… → 37448
        expect(cancelledData(e).lineItems[0]).toMatchObject({ termDays: 366, daysUsed: 10, credit: 37448 }),
      );
  });

  it('a P3Y subscription is prorated over its 3 calendar years (1096 days across a leap year)', () => {
    const placedAt = new Date('2023-06-01T00:00:00.000Z');
    specAt(at(placedAt, H))
      .given(placedEvents('US', [[OFFERS.wsStdP3Y, 1]], placedAt))
      .when(cancel())
      .thenMatches((e) =>
        expect(cancelledData(e).lineItems[0]).toMatchObject({
          termDays: 1096,
          daysUsed: 1,
          credit: Math.round((102600 * 1095) / 1096),
        }),
      );
  });

  it('JPY credits have no decimals (half-even to whole yen)', () => {
    // WS Std P1Y in JPY: 57800 yen; 57800 × 335/365 = 53049.31… → 53049
    specAt(at(T0, 29 * DAY))
      .given(
        placedEvents('JP', [
          [OFFERS.wsStdP1Y, 1],
          [OFFERS.wsStdPerpetual, 1],
        ]),
      )
      .when(cancel())
      .thenMatches((e) => {
        const d = cancelledData(e);
        expect(d.currencyCode).toBe('JPY');
        expect(d.lineItems.map((l) => l.credit)).toEqual([53049, 160400]);
        expect(d.totalCredit).toBe(53049 + 160400);
      });
  });

  it('KWD credits have three decimals', () => {
    // WS Std P1Y in KWD: 118.200 = 118200 fils; × 335/365 = 108484.93… → 108485
    specAt(at(T0, 29 * DAY))
      .given(placedEvents('KW', [[OFFERS.wsStdP1Y, 1]]))
      .when(cancel())
      .thenMatches((e) => expect(cancelledData(e)).toMatchObject({ currencyCode: 'KWD', totalCredit: 108485 }));
  });

  it.each([
    ['AU', true],
    ['BR', true],
    ['US', false],
  ])('%s: the credit says taxInclusive %s', (country, taxInclusive) => {
    specAt(at(T0, DAY))
      .given(placedEvents(country, [[OFFERS.wsStdPerpetual, 1]]))
      .when(cancel())
      .thenMatches((e) => expect(cancelledData(e).taxInclusive).toBe(taxInclusive));
  });

  it('cancels chosen line items: the order stays completed', () => {
    const events = placedEvents('US', [
      [OFFERS.wsStdPerpetual, 1],
      [OFFERS.sqlStdPerpetual, 1],
    ]);
    specAt(at(T0, DAY))
      .given(events)
      .when(cancel([1]))
      .thenMatches((e, state) => {
        expect(cancelledData(e)).toMatchObject({ statusAfter: 'completed', totalCredit: 394500 });
        expect(cancelledData(e).lineItems.map((l) => l.lineItemNumber)).toEqual([1]);
        const s = state as PlacedOrderState;
        expect(s.status).toBe('completed');
        expect(s.lineItems.map((l) => l.cancelled)).toEqual([false, true]);
      });
  });

  it('one cancellation per order id: a second is 409 already_cancelled', () => {
    const events = history([
      [
        placeOrder('US', [
          [OFFERS.wsStdPerpetual, 1],
          [OFFERS.sqlStdPerpetual, 1],
        ]),
        T0,
      ],
      [cancel([1]), at(T0, DAY)],
    ]);
    specAt(at(T0, 2 * DAY))
      .given(events)
      .when(cancel([0]))
      .thenThrows({ code: 'already_cancelled', kind: 'conflict' });
    specAt(at(T0, 2 * DAY))
      .given(events)
      .when(cancel())
      .thenThrows({ code: 'already_cancelled', kind: 'conflict' });
  });

  it.each([
    ['a SUSE plan', OFFERS.susePlan],
    ['a Red Hat plan', OFFERS.rhelPlan],
    ['an Azure reservation', OFFERS.reservationP1Y],
  ])('%s is never cancellable (409 not_cancellable)', (_, offerId) => {
    const events = placedEvents('US', [
      [OFFERS.wsStdPerpetual, 1],
      [offerId, 1],
    ]);
    specAt(at(T0, H))
      .given(events)
      .when(cancel([1]))
      .thenThrows({ code: 'not_cancellable', kind: 'conflict', data: { lineItemNumbers: [1] } });
    // "every line" includes it, so it is refused too; naming the software line works
    specAt(at(T0, H)).given(events).when(cancel()).thenThrows({ code: 'not_cancellable', kind: 'conflict' });
    specAt(at(T0, H))
      .given(events)
      .when(cancel([0]))
      .thenMatches((e) => expect(cancelledData(e).statusAfter).toBe('completed'));
  });

  it('an unknown line number is a 400', () =>
    specAt(at(T0, H))
      .given(perpetual())
      .when(cancel([3]))
      .thenThrows({ code: 'unknown_line_item', kind: 'validation', field: 'lineItems[0].lineItemNumber' }));

  it('refuses an explicit false acknowledgement of the cancellation notice (422)', () =>
    specAt(at(T0, H)).given(perpetual()).when(cancel(undefined, false)).thenThrows({
      code: 'cancellation_notice_not_acknowledged',
      kind: 'unprocessable',
      field: 'acknowledgedCancellationNotice',
    }));

  it('an unknown order is 404', () =>
    specAt(at(T0, H)).given([]).when(cancel()).thenThrows({ code: 'order_not_found', kind: 'not_found' }));

  it('is decided by the policy recorded at purchase (replay of a 2019 order with a 60-day window)', () => {
    const old = perpetual().map((e) =>
      e.type === 'OrderPlaced' ? { ...e, data: { ...e.data, policyVersion: '2019' } } : e,
    );
    specAt(at(T0, 45 * DAY))
      .given(old)
      .when(cancel())
      .thenMatches((e) =>
        expect(cancelledData(e)).toMatchObject({ policyVersion: '2019', windowEndsAt: at(T0, 60 * DAY).toISOString() }),
      );
    specAt(at(T0, 60 * DAY))
      .given(old)
      .when(cancel())
      .thenThrows({ code: 'cancellation_window_passed' });
  });
});

describe('MarkCancellationPropagated', () => {
  const propagate: OrderCommand = { type: 'MarkCancellationPropagated', data: {} };
  const cancelled = () =>
    history([
      [placeOrder('US', [[OFFERS.wsStdPerpetual, 1]]), T0],
      [cancel(), at(T0, H)],
    ]);

  it('records propagation within the 15-minute deadline', () =>
    specAt(at(T0, H + 3 * S))
      .given(cancelled())
      .when(propagate)
      .then([
        {
          type: 'CancellationPropagated',
          data: {
            orderId: ORDER,
            customerId: CUSTOMER,
            cancelledAt: at(T0, H).toISOString(),
            propagatedAt: at(T0, H + 3 * S).toISOString(),
            withinDeadline: true,
          },
        },
      ]));

  it('is idempotent', () => {
    const events = [...cancelled(), ...decideAt(cancelled(), propagate, at(T0, H + S))];
    specAt(at(T0, 2 * H))
      .given(events)
      .when(propagate)
      .then([]);
  });

  it('needs a cancellation', () =>
    specAt(T0)
      .given(placedEvents('US', [[OFFERS.wsStdPerpetual, 1]]))
      .when(propagate)
      .thenThrows({ code: 'not_cancelled', kind: 'conflict' }));
});

describe('software ids', () => {
  it('round-trip', () => {
    expect(softwareIdOf(ORDER, 3)).toBe(`${ORDER}_3`);
    expect(parseSoftwareId(`${ORDER}_3`)).toEqual({ orderId: ORDER, lineItemNumber: 3 });
    expect(parseSoftwareId('nope')).toBeNull();
    expect(parseSoftwareId(`${ORDER}_x`)).toBeNull();
  });
  it('customer snapshot fixture', () =>
    expect(customerIn('AU')).toMatchObject({ currencyCode: 'AUD', taxInclusive: true }));
});

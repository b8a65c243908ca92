import catalogJson from '../../../../config/catalog.json';
import { currentPolicy } from '../policies/policies';
import { defaultDomainData } from '../shared/default-data';
import { OFFER_KINDS } from '../shared/types';
import { OFFERS } from '../testing/fixtures';
import { checkMediaCombination, findOffer, listOffersForCountry, parseOfferId } from './catalog';
import { validateCatalog } from './catalog.validation';

const d = () => defaultDomainData();
const currencies = () => [...new Set(d().markets.markets.map((m) => m.currencyCode))];

describe('catalog.json', () => {
  it('is valid and priced in every billing currency of markets.json', () => {
    expect(validateCatalog(catalogJson, currencies())).toEqual([]);
    expect(d().catalog.version).toBe('2024-06');
  });

  it('holds offers of all four kinds, Windows/SQL Server perpetual and P1Y/P3Y, a reservation and two plans', () => {
    const offers = d().catalog.offers;
    for (const k of OFFER_KINDS) expect(offers.some((o) => o.kind === k)).toBe(true);
    const names = offers.map((o) => `${o.kind} ${o.termDuration} ${o.friendlyName}`);
    for (const product of [
      'Windows Server 2022 Standard',
      'Windows Server 2022 Datacenter',
      'SQL Server 2022 Standard',
      'SQL Server 2022 Enterprise',
    ]) {
      expect(names.some((n) => n.startsWith('perpetual null ' + product))).toBe(true);
      expect(names.some((n) => n.startsWith('softwareSubscription P1Y ' + product))).toBe(true);
      expect(names.some((n) => n.startsWith('softwareSubscription P3Y ' + product))).toBe(true);
    }
    expect(offers.filter((o) => o.kind === 'azureReservation').map((o) => o.termDuration)).toEqual(['P1Y', 'P3Y']);
    expect(offers.filter((o) => o.kind === 'softwarePlan').map((o) => o.publisher)).toEqual(['SUSE', 'Red Hat']);
  });

  it('software offers list n, n-1, n-2 versions; plans and reservations have no media', () => {
    expect(findOffer(d().catalog, OFFERS.wsStdPerpetual)?.media.map((m) => m.version)).toEqual([
      '2022',
      '2019',
      '2016',
    ]);
    expect(findOffer(d().catalog, OFFERS.sqlStdP1Y)?.media.map((m) => m.version)).toEqual(['2022', '2019', '2017']);
    expect(findOffer(d().catalog, OFFERS.susePlan)?.media).toEqual([]);
  });

  it('JPY and KRW prices are whole units; KWD has three decimals', () => {
    const o = findOffer(d().catalog, OFFERS.wsStdPerpetual)!;
    expect(o.prices.USD).toBe(106900);
    expect(o.prices.JPY).toBe(160400);
    expect(o.prices.KWD).toBe(328180);
  });

  it('validation names bad data', () => {
    const broken = JSON.parse(JSON.stringify(catalogJson));
    broken.offers[0].prices.JPY = 1.5;
    broken.offers[1].id = 'bad';
    delete broken.offers[2].prices.PLN;
    broken.offers[12].media = [{ version: '1', languages: ['en-US'], bitness: ['x64'] }];
    expect(validateCatalog(broken, ['PLN'])).toEqual([
      'offers[0].prices.JPY must be a positive integer (minor units)',
      'offers[1].id must be productId:skuId:availabilityId',
      'offers[2].prices has no PLN price',
      'offers[12].media must be empty for azureReservation',
    ]);
  });
});

describe('offers for a country', () => {
  it('parses Partner Center ids', () => {
    expect(parseOfferId('DG7GMGF0D7FV:0001:DG7GMGF0D7FW')).toEqual({
      productId: 'DG7GMGF0D7FV',
      skuId: '0001',
      availabilityId: 'DG7GMGF0D7FW',
    });
    expect(parseOfferId('nope')).toBeNull();
  });

  it('lists every offer with its price in the market currency, tax flag and cancellability', () => {
    const list = listOffersForCountry(d().catalog, d().markets, currentPolicy(d().policies), 'PL');
    expect(list).toHaveLength(d().catalog.offers.length);
    const ws = list.find((o) => o.id === OFFERS.wsStdPerpetual)!;
    expect(ws).toMatchObject({
      unitPrice: { amount: '4276.00', currencyCode: 'PLN' },
      taxInclusive: false,
      cancellable: true,
      availableInMarket: true,
      versions: ['2022', '2019', '2016'],
      bitness: ['x64'],
    });
    expect(ws.languages).toContain('pl-PL');
    expect(list.find((o) => o.id === OFFERS.susePlan)).toMatchObject({ cancellable: false, availableInMarket: true });
    expect(list.find((o) => o.id === OFFERS.reservationP1Y)).toMatchObject({
      cancellable: false,
      availableInMarket: true,
    });
  });

  it.each([
    ['AU', 'AUD'],
    ['BR', 'BRL'],
  ])('%s lists tax-inclusive %s prices', (country, currency) => {
    for (const o of listOffersForCountry(d().catalog, d().markets, currentPolicy(d().policies), country)) {
      expect(o).toMatchObject({ taxInclusive: true, currencyCode: currency });
    }
  });

  it('JPY prices have no decimals, KWD three', () => {
    const jp = listOffersForCountry(d().catalog, d().markets, currentPolicy(d().policies), 'JP').find(
      (o) => o.id === OFFERS.wsStdPerpetual,
    )!;
    expect(jp.unitPrice).toEqual({ amount: '160400', currencyCode: 'JPY' });
    const kw = listOffersForCountry(d().catalog, d().markets, currentPolicy(d().policies), 'KW').find(
      (o) => o.id === OFFERS.wsStdPerpetual,
    )!;
    expect(kw.unitPrice).toEqual({ amount: '328.180', currencyCode: 'KWD' });
  });

  it('a reservation-excluded market shows reservations as unavailable, software as available', () => {
    const list = listOffersForCountry(d().catalog, d().markets, currentPolicy(d().policies), 'SJ');
    expect(list.find((o) => o.id === OFFERS.reservationP3Y)).toMatchObject({
      availableInMarket: false,
      unavailableReason: 'azure_reservations_not_sold_in_market',
    });
    expect(list.find((o) => o.id === OFFERS.sqlEntPerpetual)).toMatchObject({ availableInMarket: true });
  });

  it('an unknown country is refused', () => {
    expect(() => listOffersForCountry(d().catalog, d().markets, currentPolicy(d().policies), 'ZZ')).toThrow(
      expect.objectContaining({ code: 'unknown_country', field: 'country' }),
    );
  });

  it('checks media combinations field by field', () => {
    const media = findOffer(d().catalog, OFFERS.sqlStdPerpetual)!.media;
    expect(checkMediaCombination(media, { version: '2019', language: 'de-DE', bitness: 'x64' })).toEqual({ ok: true });
    expect(checkMediaCombination(media, { version: '2016' })).toMatchObject({ ok: false, field: 'version' });
    expect(checkMediaCombination(media, { version: '2022', language: 'pl-PL' })).toMatchObject({
      ok: false,
      field: 'language',
    });
    expect(checkMediaCombination(media, { version: '2022', language: 'en-US', bitness: 'x86' })).toMatchObject({
      ok: false,
      field: 'bitness',
    });
  });
});

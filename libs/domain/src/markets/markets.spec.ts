import marketsJson from '../../../../config/markets.json';
import { DomainError } from '../shared/domain-error';
import { defaultDomainData } from '../shared/default-data';
import {
  areAzureReservationsSoldIn,
  isKnownCountry,
  isSoldIn,
  reservationExclusionList,
  reservationExclusionNames,
  resolveMarket,
} from './markets';
import { validateMarkets } from './markets.validation';

const markets = () => defaultDomainData().markets;

/** DOMAIN.md's list, in its order. */
const DOMAIN_CODES =
  'AX AS AD AI AQ AG AW AZ BJ BT BQ BV IO VG BF BI KH CF TD CN CX CC KM CG CD CK DJ DM GQ ER FK GF PF TF GA GM GI GL GD GP GU GG GN GW GY HT HM IM SJ JE KI XK LA LS LR MG MW MV ML MH MQ MR YT FM MS MZ MM NR NC NE NU NF MP PW PG PN RE BL LC MF PM VC WS SM ST SC SL SX SB SO GS SS SH SR SZ TL TG TK TO TC TV UM VU VA WF YE'.split(
    ' ',
  );

describe('markets.json', () => {
  it('is valid', () => expect(validateMarkets(marketsJson)).toEqual([]));

  it('knows every ISO 3166-1 alpha-2 country (249) plus Kosovo', () => {
    expect(markets().countries).toHaveLength(250);
    for (const c of ['US', 'GB', 'PL', 'DE', 'JP', 'KP', 'IR', 'XK', 'BQ', 'SJ', 'AQ', 'UM'])
      expect(isKnownCountry(markets(), c)).toBe(true);
    for (const c of ['UK', 'EU', 'ZZ', 'XX', 'AN']) expect(isKnownCountry(markets(), c)).toBe(false);
  });

  it('the 2019-11-30 reservation exclusion list has exactly the 109 names, mapped to the codes of DOMAIN.md', () => {
    const list = reservationExclusionList(markets());
    expect(list.version).toBe('2019-11-30');
    expect(list.entries).toHaveLength(109);
    expect(new Set(list.entries.map((e) => e.name)).size).toBe(109);
    expect([...new Set(list.entries.map((e) => e.code))]).toEqual(DOMAIN_CODES);
    expect(reservationExclusionNames(markets(), 'BQ')).toEqual(['Bonaire', 'Saba', 'Sint Eustatius']);
    expect(reservationExclusionNames(markets(), 'SJ')).toEqual(['Jan Mayen', 'Svalbard']);
    expect(reservationExclusionNames(markets(), 'XK')).toEqual(['Kosovo']);
  });

  it('every listed market is sold in (other products), every market has a billing currency', () => {
    for (const code of DOMAIN_CODES) expect(isSoldIn(markets(), code)).toBe(true);
    expect(areAzureReservationsSoldIn(markets(), 'US')).toBe(true);
    expect(areAzureReservationsSoldIn(markets(), 'CN')).toBe(false);
  });

  it('AU and BR are tax-inclusive, nowhere else', () => {
    expect(
      markets()
        .markets.filter((m) => m.taxInclusive)
        .map((m) => m.country)
        .sort(),
    ).toEqual(['AU', 'BR']);
  });

  it('validation reports unknown codes and duplicates', () => {
    const broken = JSON.parse(JSON.stringify(marketsJson));
    broken.markets.push({ country: 'QQ', currencyCode: 'USD', taxInclusive: false });
    broken.azureReservationExclusions.versions[0].entries.push({ name: 'Bonaire', code: 'BQ' });
    expect(validateMarkets(broken)).toEqual([
      `markets[${broken.markets.length - 1}].country is not a known country`,
      'azureReservationExclusions.versions[0].entries[109].name Bonaire is duplicated',
    ]);
  });
});

describe('resolveMarket', () => {
  it.each([
    ['US', 'USD', false],
    ['gb', 'GBP', false],
    ['DE', 'EUR', false],
    ['PL', 'PLN', false],
    ['JP', 'JPY', false],
    ['KR', 'KRW', false],
    ['KW', 'KWD', false],
    ['AU', 'AUD', true],
    ['BR', 'BRL', true],
    ['CH', 'CHF', false],
    ['BQ', 'USD', false],
    ['XK', 'EUR', false],
  ])('%s → %s, taxInclusive %s', (code, currency, tax) => {
    expect(resolveMarket(markets(), code)).toMatchObject({
      country: code.toUpperCase(),
      currencyCode: currency,
      taxInclusive: tax,
    });
  });

  it('an unknown country is a 400 naming the field', () => {
    for (const bad of ['ZZ', 'UK', 'USA', '', 12, null]) {
      try {
        resolveMarket(markets(), bad, 'country');
        fail('expected an error');
      } catch (e) {
        expect(e).toBeInstanceOf(DomainError);
        expect(e).toMatchObject({ code: 'unknown_country', kind: 'validation', field: 'country' });
      }
    }
  });

  it('a known country we do not sell in is a 422 market_not_supported', () => {
    expect(() => resolveMarket(markets(), 'KP')).toThrow(
      expect.objectContaining({ code: 'market_not_supported', kind: 'unprocessable' }),
    );
  });
});

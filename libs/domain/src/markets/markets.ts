import { DomainError, validationError } from '../shared/domain-error';
import type { Country, Market, MarketsData, ReservationExclusionEntry, ReservationExclusionList } from './market.types';

const COUNTRY_FORMAT = /^[A-Za-z]{2}$/;

export const findCountry = (data: MarketsData, code: string): Country | undefined =>
  data.countries.find((c) => c.code === code.toUpperCase());

export const findMarket = (data: MarketsData, code: string): Market | undefined =>
  data.markets.find((m) => m.country === code.toUpperCase());

export const isKnownCountry = (data: MarketsData, code: string): boolean =>
  typeof code === 'string' && COUNTRY_FORMAT.test(code) && findCountry(data, code) !== undefined;

export const isSoldIn = (data: MarketsData, code: string): boolean =>
  isKnownCountry(data, code) && findMarket(data, code) !== undefined;

/** The reservation-exclusion list of a version (default: the current one). */
export const reservationExclusionList = (data: MarketsData, version?: string): ReservationExclusionList => {
  const v = version ?? data.azureReservationExclusions.current;
  const list = data.azureReservationExclusions.versions.find((l) => l.version === v);
  if (!list) throw new RangeError(`unknown Azure reservation exclusion list version: ${v}`);
  return list;
};

/** The published names under which a country appears in the exclusion list (empty = reservations are sold). */
export const reservationExclusionNames = (data: MarketsData, country: string, version?: string): string[] =>
  reservationExclusionList(data, version)
    .entries.filter((e: ReservationExclusionEntry) => e.code === country.toUpperCase())
    .map((e) => e.name);

export const areAzureReservationsSoldIn = (data: MarketsData, country: string, version?: string): boolean =>
  reservationExclusionNames(data, country, version).length === 0;

/** A market the customer can buy in. */
export type ResolvedMarket = {
  country: string;
  countryName: string;
  currencyCode: string;
  taxInclusive: boolean;
  azureReservationsSold: boolean;
  /** The names the exclusion list gives this country (e.g. ["Bonaire", "Saba", "Sint Eustatius"] for BQ). */
  reservationExclusionNames: string[];
};

/**
 * Validates a country code and returns its market.
 * - not two letters or not an ISO 3166-1 code (or XK): 400 `unknown_country` naming `field`;
 * - a known country we do not sell in (e.g. embargoed markets): 422 `market_not_supported`.
 * The code is case-insensitive and returned uppercase.
 */
export const resolveMarket = (data: MarketsData, code: unknown, field = 'country'): ResolvedMarket => {
  if (typeof code !== 'string' || !COUNTRY_FORMAT.test(code)) {
    throw validationError(field, 'unknown_country', `${field} must be an ISO 3166-1 alpha-2 country code such as "US"`);
  }
  const country = findCountry(data, code);
  if (!country) {
    throw validationError(field, 'unknown_country', `"${code}" is not an ISO 3166-1 alpha-2 country code`, {
      country: code,
    });
  }
  const market = findMarket(data, code);
  if (!market) {
    throw new DomainError({
      code: 'market_not_supported',
      kind: 'unprocessable',
      field,
      detail: `${country.name} (${country.code}) is not a market we sell in`,
      data: { country: country.code, countryName: country.name },
    });
  }
  const names = reservationExclusionNames(data, country.code);
  return {
    country: country.code,
    countryName: country.name,
    currencyCode: market.currencyCode,
    taxInclusive: market.taxInclusive,
    azureReservationsSold: names.length === 0,
    reservationExclusionNames: names,
  };
};

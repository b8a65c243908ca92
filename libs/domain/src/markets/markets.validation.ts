import { isKnownCurrency } from '../money/currencies';
import { ConfigDataError, isNonEmptyString, isObject } from '../shared/config-validation';
import type { MarketsData } from './market.types';

/** Lists every problem of parsed markets JSON (empty = valid). */
export const validateMarkets = (raw: unknown): string[] => {
  const p: string[] = [];
  if (!isObject(raw)) return ['markets must be an object'];
  if (!isNonEmptyString(raw.version)) p.push('version is required');
  const codes = new Set<string>();
  if (!Array.isArray(raw.countries)) p.push('countries must be an array');
  else
    raw.countries.forEach((c: unknown, i: number) => {
      if (!isObject(c) || typeof c.code !== 'string' || !/^[A-Z]{2}$/.test(c.code) || !isNonEmptyString(c.name)) {
        return void p.push(`countries[${i}] must be { code: "XX", name }`);
      }
      if (codes.has(c.code)) p.push(`countries[${i}].code ${c.code} is duplicated`);
      codes.add(c.code);
    });
  const sold = new Set<string>();
  if (!Array.isArray(raw.markets)) p.push('markets must be an array');
  else
    raw.markets.forEach((m: unknown, i: number) => {
      if (!isObject(m)) return void p.push(`markets[${i}] must be an object`);
      if (typeof m.country !== 'string' || !codes.has(m.country))
        p.push(`markets[${i}].country is not a known country`);
      if (sold.has(m.country as string)) p.push(`markets[${i}].country ${String(m.country)} is duplicated`);
      sold.add(m.country as string);
      if (typeof m.currencyCode !== 'string' || !isKnownCurrency(m.currencyCode))
        p.push(`markets[${i}].currencyCode is not ISO 4217`);
      if (typeof m.taxInclusive !== 'boolean') p.push(`markets[${i}].taxInclusive must be a boolean`);
    });
  const ex = raw.azureReservationExclusions;
  if (!isObject(ex) || !Array.isArray(ex.versions) || !isNonEmptyString(ex.current)) {
    p.push('azureReservationExclusions must be { current, versions: [...] }');
  } else {
    if (!ex.versions.some((v) => isObject(v) && v.version === ex.current))
      p.push('azureReservationExclusions.current names no version');
    ex.versions.forEach((v: unknown, i: number) => {
      const at = `azureReservationExclusions.versions[${i}]`;
      if (!isObject(v) || !isNonEmptyString(v.version) || !Array.isArray(v.entries))
        return void p.push(`${at} must be { version, asOf, entries }`);
      const names = new Set<string>();
      v.entries.forEach((e: unknown, j: number) => {
        if (!isObject(e) || !isNonEmptyString(e.name) || typeof e.code !== 'string')
          return void p.push(`${at}.entries[${j}] must be { name, code }`);
        if (!codes.has(e.code)) p.push(`${at}.entries[${j}].code ${e.code} is not a known country`);
        if (names.has(e.name)) p.push(`${at}.entries[${j}].name ${e.name} is duplicated`);
        names.add(e.name);
      });
    });
  }
  return p;
};

export const parseMarkets = (raw: unknown): MarketsData => {
  const problems = validateMarkets(raw);
  if (problems.length) throw new ConfigDataError('markets.json', problems);
  return raw as MarketsData;
};

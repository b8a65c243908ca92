import { isKnownCurrency } from '../money/currencies';
import { BITNESS_VALUES, OFFER_KINDS } from '../shared/types';
import { ConfigDataError, isNonEmptyString, isObject } from '../shared/config-validation';
import type { Catalog } from './catalog.types';
import { OFFER_ID_FORMAT } from './catalog';

const TERMS = ['P1M', 'P1Y', 'P3Y', 'P5Y'];
const LANGUAGE_TAG = /^[a-z]{2,3}-[A-Z]{2}$/;

/**
 * Checks parsed catalog JSON and lists every problem (empty = valid). `currencies`: every currency
 * we bill in; each offer must have a price in each.
 */
export const validateCatalog = (raw: unknown, currencies: readonly string[] = []): string[] => {
  const p: string[] = [];
  if (!isObject(raw)) return ['catalog must be an object'];
  if (!isNonEmptyString(raw.version)) p.push('version is required');
  if (!isNonEmptyString(raw.effectiveFrom) || Number.isNaN(Date.parse(raw.effectiveFrom as string)))
    p.push('effectiveFrom must be an ISO timestamp');
  if (!Array.isArray(raw.offers) || raw.offers.length === 0) return [...p, 'offers must be a non-empty array'];
  const ids = new Set<string>();
  raw.offers.forEach((o: unknown, i: number) => {
    const at = `offers[${i}]`;
    if (!isObject(o)) return void p.push(`${at} must be an object`);
    const id = o.id as string;
    const m = typeof id === 'string' ? OFFER_ID_FORMAT.exec(id) : null;
    if (!m) p.push(`${at}.id must be productId:skuId:availabilityId`);
    else if (m[1] !== o.productId || m[2] !== o.skuId || m[3] !== o.availabilityId)
      p.push(`${at}.id does not match its productId/skuId/availabilityId`);
    if (ids.has(id)) p.push(`${at}.id ${id} is duplicated`);
    ids.add(id);
    if (!isNonEmptyString(o.friendlyName)) p.push(`${at}.friendlyName is required`);
    if (!OFFER_KINDS.includes(o.kind as never)) p.push(`${at}.kind must be one of ${OFFER_KINDS.join(', ')}`);
    if (o.kind === 'perpetual' ? o.termDuration !== null : !TERMS.includes(o.termDuration as string)) {
      p.push(`${at}.termDuration must be null for perpetual offers and one of ${TERMS.join(', ')} otherwise`);
    }
    if (!isObject(o.prices)) p.push(`${at}.prices must be an object`);
    else {
      for (const [cur, v] of Object.entries(o.prices)) {
        if (!isKnownCurrency(cur)) p.push(`${at}.prices.${cur} is not an ISO 4217 code`);
        if (!Number.isSafeInteger(v) || (v as number) <= 0)
          p.push(`${at}.prices.${cur} must be a positive integer (minor units)`);
      }
      for (const cur of currencies) if (!(cur in o.prices)) p.push(`${at}.prices has no ${cur} price`);
    }
    if (!Array.isArray(o.media)) p.push(`${at}.media must be an array`);
    else {
      const software = o.kind === 'perpetual' || o.kind === 'softwareSubscription';
      if (software && o.media.length === 0) p.push(`${at}.media must list the downloadable versions`);
      if (!software && o.media.length > 0) p.push(`${at}.media must be empty for ${String(o.kind)}`);
      o.media.forEach((md: unknown, j: number) => {
        const mat = `${at}.media[${j}]`;
        if (!isObject(md)) return void p.push(`${mat} must be an object`);
        if (!isNonEmptyString(md.version)) p.push(`${mat}.version is required`);
        if (
          !Array.isArray(md.languages) ||
          md.languages.length === 0 ||
          md.languages.some((l) => typeof l !== 'string' || !LANGUAGE_TAG.test(l))
        ) {
          p.push(`${mat}.languages must be language tags such as en-US`);
        }
        if (
          !Array.isArray(md.bitness) ||
          md.bitness.length === 0 ||
          md.bitness.some((b) => !BITNESS_VALUES.includes(b))
        ) {
          p.push(`${mat}.bitness must list ${BITNESS_VALUES.join('/')}`);
        }
      });
    }
  });
  return p;
};

export const parseCatalog = (raw: unknown, currencies: readonly string[] = []): Catalog => {
  const problems = validateCatalog(raw, currencies);
  if (problems.length) throw new ConfigDataError('catalog.json', problems);
  return raw as Catalog;
};

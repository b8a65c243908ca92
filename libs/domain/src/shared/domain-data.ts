import type { Catalog } from '../catalog/catalog.types';
import { parseCatalog } from '../catalog/catalog.validation';
import type { MarketsData } from '../markets/market.types';
import { parseMarkets } from '../markets/markets.validation';
import { currentPolicy } from '../policies/policies';
import type { PolicyBook } from '../policies/policy.types';
import { parsePolicies } from '../policies/policies.validation';
import { ConfigDataError } from './config-validation';
import type { DomainContext } from './context';

export type DomainData = { catalog: Catalog; markets: MarketsData; policies: PolicyBook };

/** Cross-file checks: tax flags agree with the current policy, every billing currency is priced. */
export const validateDomainData = (data: DomainData): string[] => {
  const p: string[] = [];
  const policy = currentPolicy(data.policies);
  for (const m of data.markets.markets) {
    const expected = policy.taxInclusiveMarkets.includes(m.country);
    if (m.taxInclusive !== expected)
      p.push(`markets: ${m.country}.taxInclusive is ${m.taxInclusive} but policy ${policy.version} says ${expected}`);
  }
  for (const t of policy.taxInclusiveMarkets)
    if (!data.markets.markets.some((m) => m.country === t)) p.push(`policy tax-inclusive market ${t} is not sold in`);
  return p;
};

/**
 * Builds the domain data from parsed JSON objects (the caller reads the files; the domain does no I/O),
 * validating each file and the cross-file rules. Throws ConfigDataError listing every problem.
 */
export const loadDomainData = (raw: { catalog: unknown; markets: unknown; policies: unknown }): DomainData => {
  const markets = parseMarkets(raw.markets);
  const currencies = [...new Set(markets.markets.map((m) => m.currencyCode))];
  const data: DomainData = {
    markets,
    catalog: parseCatalog(raw.catalog, currencies),
    policies: parsePolicies(raw.policies),
  };
  const problems = validateDomainData(data);
  if (problems.length) throw new ConfigDataError('config', problems);
  return data;
};

export const createDomainContext = (data: DomainData, now: Date): DomainContext => ({ ...data, now });

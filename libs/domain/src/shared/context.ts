import type { Catalog } from '../catalog/catalog.types';
import type { MarketsData } from '../markets/market.types';
import type { PolicyBook } from '../policies/policy.types';

/**
 * What a decider needs besides the command and the state: the clock and the versioned data.
 * The application builds it per command (`now` from its clock, data from config/).
 */
export type DomainContext = {
  now: Date;
  catalog: Catalog;
  markets: MarketsData;
  policies: PolicyBook;
};

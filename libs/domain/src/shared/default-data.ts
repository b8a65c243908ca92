/**
 * The repository's config/ data, imported as JSON (resolveJsonModule) and validated once.
 * Applications may instead read the files themselves and call loadDomainData().
 */
import catalogJson from '../../../../config/catalog.json';
import marketsJson from '../../../../config/markets.json';
import policiesJson from '../../../../config/policies.json';
import type { DomainContext } from './context';
import { createDomainContext, loadDomainData, type DomainData } from './domain-data';

let cached: DomainData | undefined;

/** The bundled config/ data (validated on first use). */
export const defaultDomainData = (): DomainData =>
  (cached ??= loadDomainData({ catalog: catalogJson, markets: marketsJson, policies: policiesJson }));

/** A context on the bundled data at `now`. */
export const defaultDomainContext = (now: Date): DomainContext => createDomainContext(defaultDomainData(), now);

import { defaultDomainData, DomainData } from '@csp/domain';
import type { Provider } from '@nestjs/common';

/** The versioned catalog, markets and policies from config/, validated once at boot. */
export const DOMAIN_DATA = Symbol('DOMAIN_DATA');

export const domainDataProvider: Provider = { provide: DOMAIN_DATA, useFactory: (): DomainData => defaultDomainData() };

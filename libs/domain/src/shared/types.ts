/** Shared value types of the domain. All JSON-serialisable. */

/** The four kinds of offer DOMAIN.md knows. */
export type OfferKind = 'perpetual' | 'softwareSubscription' | 'azureReservation' | 'softwarePlan';
export const OFFER_KINDS: readonly OfferKind[] = [
  'perpetual',
  'softwareSubscription',
  'azureReservation',
  'softwarePlan',
];
/** Kinds that carry keys and downloadable bits. */
export const SOFTWARE_KINDS: readonly OfferKind[] = ['perpetual', 'softwareSubscription'];
export const isSoftwareKind = (kind: OfferKind): boolean => kind === 'perpetual' || kind === 'softwareSubscription';

/** ISO 8601 durations used by terms. `null` = perpetual. */
export type TermDuration = 'P1M' | 'P1Y' | 'P3Y' | 'P5Y';

export type Bitness = 'x64' | 'x86' | 'arm64';
export const BITNESS_VALUES: readonly Bitness[] = ['x64', 'x86', 'arm64'];

/** CSP issues MAK only; KMS is a request we refuse. */
export type KeyType = 'MAK';
export type RequestedKeyType = 'MAK' | 'KMS';

/**
 * How a key reveal or a download happened:
 * - `partnerCenter`: a partner user or service acting on behalf of the customer;
 * - `adminCenter`: the customer's own GlobalAdmin (Microsoft 365 admin center path);
 * - `downloadLink`: through a copied, signed download link (no authenticated user);
 * - `api`: any other authenticated API client.
 */
export type AccessChannel = 'partnerCenter' | 'adminCenter' | 'downloadLink' | 'api';
export const ACCESS_CHANNELS: readonly AccessChannel[] = ['partnerCenter', 'adminCenter', 'downloadLink', 'api'];

/** Who issued a command (from the token). */
export type Actor = { userId: string; upn: string; tenantId: string };

/** API money: a decimal string with the currency's minor digits. */
export type Money = { amount: string; currencyCode: string };

/** ISO 8601 UTC timestamp string (`Date.prototype.toISOString()`). */
export type IsoDateTime = string;

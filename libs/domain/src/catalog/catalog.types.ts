import type { Bitness, OfferKind, TermDuration } from '../shared/types';

/** One downloadable version of a software offer, with the languages and bitness its media exist in. */
export type SoftwareMedia = { version: string; languages: string[]; bitness: Bitness[] };

export type Offer = {
  /** `{productId}:{skuId}:{availabilityId}` */
  id: string;
  productId: string;
  skuId: string;
  availabilityId: string;
  friendlyName: string;
  kind: OfferKind;
  /** `null` for perpetual software. */
  termDuration: TermDuration | null;
  /** Unit list prices in minor units, per ISO 4217 currency code. */
  prices: Record<string, number>;
  /** Downloadable media (software kinds only; empty for reservations and plans), newest version first. */
  media: SoftwareMedia[];
  publisher: string;
  description?: string;
};

export type Catalog = { version: string; effectiveFrom: string; offers: Offer[] };

/** An offer as listed for one country (GET /v1/offers?country=XX), prices in minor units. */
export type MarketOffer = {
  id: string;
  productId: string;
  skuId: string;
  availabilityId: string;
  friendlyName: string;
  kind: OfferKind;
  termDuration: TermDuration | null;
  currencyCode: string;
  /** Unit price in minor units of `currencyCode`. */
  unitPriceMinor: number;
  /** Unit price formatted for the API. */
  unitPrice: { amount: string; currencyCode: string };
  taxInclusive: boolean;
  versions: string[];
  languages: string[];
  bitness: Bitness[];
  media: SoftwareMedia[];
  cancellable: boolean;
  availableInMarket: boolean;
  /** Why the offer is not available (e.g. `azure_reservations_not_sold_in_market`), or null. */
  unavailableReason: string | null;
  catalogVersion: string;
};

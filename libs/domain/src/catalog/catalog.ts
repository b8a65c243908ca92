import { formatMoney } from '../money/money';
import type { MarketsData } from '../markets/market.types';
import { resolveMarket } from '../markets/markets';
import { isCancellableKind } from '../policies/policies';
import type { Policy } from '../policies/policy.types';
import type { Bitness } from '../shared/types';
import type { Catalog, MarketOffer, Offer, SoftwareMedia } from './catalog.types';

/** `{productId}:{skuId}:{availabilityId}`, Partner Center style. */
export const OFFER_ID_FORMAT = /^([A-Z0-9]{12}):([A-Z0-9]{4}):([A-Z0-9]{12})$/;

export const parseOfferId = (id: string): { productId: string; skuId: string; availabilityId: string } | null => {
  const m = OFFER_ID_FORMAT.exec(id);
  return m ? { productId: m[1], skuId: m[2], availabilityId: m[3] } : null;
};

export const findOffer = (catalog: Catalog, offerId: string): Offer | undefined =>
  catalog.offers.find((o) => o.id === offerId);

const unique = <T>(xs: T[]): T[] => [...new Set(xs)];

/** Flattened media facets, as the API lists them. */
export const mediaFacets = (
  media: SoftwareMedia[],
): { versions: string[]; languages: string[]; bitness: Bitness[] } => ({
  versions: media.map((m) => m.version),
  languages: unique(media.flatMap((m) => m.languages)),
  bitness: unique(media.flatMap((m) => m.bitness)),
});

/** Whether a (version, language, bitness) combination has media; names the first field that does not fit. */
export const checkMediaCombination = (
  media: SoftwareMedia[],
  choice: { version: string; language?: string; bitness?: string },
): { ok: true } | { ok: false; field: 'version' | 'language' | 'bitness'; message: string } => {
  const m = media.find((x) => x.version === choice.version);
  if (!m)
    return { ok: false, field: 'version', message: `version must be one of ${media.map((x) => x.version).join(', ')}` };
  if (choice.language !== undefined && !m.languages.includes(choice.language)) {
    return { ok: false, field: 'language', message: `version ${m.version} is available in ${m.languages.join(', ')}` };
  }
  if (choice.bitness !== undefined && !(m.bitness as string[]).includes(choice.bitness)) {
    return { ok: false, field: 'bitness', message: `version ${m.version} is available as ${m.bitness.join(', ')}` };
  }
  return { ok: true };
};

/** Projects an offer into a market (throws nothing; the caller resolved the market). */
export const offerInMarket = (
  catalog: Catalog,
  offer: Offer,
  market: { country: string; currencyCode: string; taxInclusive: boolean; azureReservationsSold: boolean },
  policy: Policy,
): MarketOffer => {
  const price = offer.prices[market.currencyCode];
  const notPriced = price === undefined;
  const reservationBlocked = offer.kind === 'azureReservation' && !market.azureReservationsSold;
  const unitPriceMinor = price ?? 0;
  return {
    id: offer.id,
    productId: offer.productId,
    skuId: offer.skuId,
    availabilityId: offer.availabilityId,
    friendlyName: offer.friendlyName,
    kind: offer.kind,
    termDuration: offer.termDuration,
    currencyCode: market.currencyCode,
    unitPriceMinor,
    unitPrice: formatMoney(unitPriceMinor, market.currencyCode),
    taxInclusive: market.taxInclusive,
    ...mediaFacets(offer.media),
    media: offer.media,
    cancellable: isCancellableKind(policy, offer.kind),
    availableInMarket: !notPriced && !reservationBlocked,
    unavailableReason: reservationBlocked
      ? 'azure_reservations_not_sold_in_market'
      : notPriced
        ? 'offer_not_priced_in_currency'
        : null,
    catalogVersion: catalog.version,
  };
};

/**
 * The offers for a country (GET /v1/offers?country=XX): every offer, with `availableInMarket` false for
 * Azure reservations in a listed market. Throws 400 `unknown_country` / 422 `market_not_supported`.
 */
export const listOffersForCountry = (
  catalog: Catalog,
  markets: MarketsData,
  policy: Policy,
  country: unknown,
): MarketOffer[] => {
  const market = resolveMarket(markets, country, 'country');
  return catalog.offers.map((o) => offerInMarket(catalog, o, market, policy));
};

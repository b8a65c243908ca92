/** config/markets.json */
export type Country = { code: string; name: string };

export type Market = {
  /** ISO 3166-1 alpha-2 */
  country: string;
  currencyCode: string;
  taxInclusive: boolean;
};

export type ReservationExclusionEntry = { name: string; code: string };

export type ReservationExclusionList = {
  version: string;
  /** The date the list is "as of". */
  asOf: string;
  entries: ReservationExclusionEntry[];
};

export type MarketsData = {
  version: string;
  /** Every ISO 3166-1 alpha-2 code (plus XK, Kosovo): the countries we know. */
  countries: Country[];
  /** The countries we sell in, with their billing currency. */
  markets: Market[];
  azureReservationExclusions: { current: string; versions: ReservationExclusionList[] };
};

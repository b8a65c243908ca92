import type { OfferKind } from '../shared/types';

/** One version of the business policies (config/policies.json). Old versions are kept for replays. */
export type Policy = {
  version: string;
  /** Purchases at or after this instant are governed by this version (until the next one). */
  effectiveFrom: string;
  description: string;
  cancellation: {
    /** Window length in days per kind, counted from the purchase instant; absent kind = not cancellable. */
    windowDays: Partial<Record<OfferKind, number>>;
    /** Kinds that can never be cancelled (SUSE/Red Hat plans; Azure reservations follow their own process). */
    notCancellableKinds: OfferKind[];
    /** How long a cancellation may take to show everywhere (minutes). */
    propagationMinutes: number;
    earlyTerminationFee: 'none';
  };
  credit: {
    /** perpetual: 100 %; subscriptions: prorated by started days. */
    basisByKind: Partial<Record<OfferKind, 'full' | 'prorated'>>;
    rounding: 'halfEven';
  };
  /** Markets whose list prices include tax. */
  taxInclusiveMarkets: string[];
  /** Default download-link limits. */
  downloadLinks: { ttlDays: number; maxDownloads: number };
};

export type PolicyBook = {
  /** The version that governs new purchases. */
  current: string;
  versions: Policy[];
};

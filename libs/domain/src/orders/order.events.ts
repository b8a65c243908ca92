import type { SoftwareMedia } from '../catalog/catalog.types';
import type { BillingCycle } from './billing-cycle';
import type { AccessChannel, Bitness, IsoDateTime, KeyType, OfferKind, TermDuration } from '../shared/types';

/** A line item as recorded at purchase: enough to rebuild the order without the catalog. */
export type PlacedLineItem = {
  lineItemNumber: number;
  offerId: string;
  productId: string;
  skuId: string;
  availabilityId: string;
  friendlyName: string;
  kind: OfferKind;
  termDuration: TermDuration | null;
  quantity: number;
  /** Minor units of the order's currency. */
  unitPrice: number;
  /** unitPrice × quantity, minor units. */
  lineTotal: number;
  /** Whether the policy lets this kind be cancelled at all (window aside). */
  cancellable: boolean;
  /** Downloadable media (software only, else empty). */
  media: SoftwareMedia[];
  versions: string[];
  languages: string[];
  bitness: Bitness[];
  // Partner Center's line fields, present only when the caller gave them.
  /** The partner's own name for the line (the offer's name stays in friendlyName). */
  partnerFriendlyName?: string;
  partnerIdOnRecord?: string;
  additionalPartnerIdsOnRecord?: string[];
  provisioningContext?: Record<string, string>;
};

export type OrderPlaced = {
  type: 'OrderPlaced';
  data: {
    orderId: string;
    customerId: string;
    partnerTenantId: string;
    country: string;
    currencyCode: string;
    taxInclusive: boolean;
    lineItems: PlacedLineItem[];
    /** Sum of lineTotal, minor units. */
    total: number;
    placedAt: IsoDateTime;
    status: 'completed';
    catalogVersion: string;
    policyVersion: string;
    marketsVersion: string;
    placedBy: { userId: string; upn: string } | null;
    /** Partner Center billing cycle (absent on events recorded before it existed: one_time). */
    billingCycle?: BillingCycle;
    /** The order id the caller sent, if any (Partner Center's body may carry one; ours is orderId). */
    clientOrderId?: string;
    partnerOnRecordAttestationAccepted?: boolean;
  };
};

export type KeyRevealed = {
  type: 'KeyRevealed';
  data: {
    orderId: string;
    customerId: string;
    partnerTenantId: string;
    lineItemNumber: number;
    offerId: string;
    version: string;
    keyType: KeyType;
    userId: string;
    upn: string;
    /** Tenant of the user (partner or customer). */
    userTenantId: string;
    channel: AccessChannel;
    at: IsoDateTime;
    /** Present on a retried reveal (same MS-RequestId as an earlier one of the same caller). */
    retry?: true;
  };
};

/** The download link an issue or a download is about: whose line, which link, which bits. */
export type DownloadLinkRef = {
  orderId: string;
  customerId: string;
  partnerTenantId: string;
  lineItemNumber: number;
  offerId: string;
  linkId: string;
  version: string;
  language: string;
  bitness: Bitness;
};

export type DownloadLinkIssued = {
  type: 'DownloadLinkIssued';
  data: DownloadLinkRef & {
    issuedAt: IsoDateTime;
    expiresAt: IsoDateTime;
    maxDownloads: number;
    userId: string;
    upn: string;
    userTenantId: string;
    channel: AccessChannel;
  };
};

export type SoftwareDownloaded = {
  type: 'SoftwareDownloaded';
  data: DownloadLinkRef & {
    /** SHA-256 (hex) of the bytes served. */
    sha256: string;
    bytes: number;
    /** 1-based count of this link's downloads, this one included. */
    downloadNumber: number;
    channel: AccessChannel;
    /** The user who issued the link (link downloads are anonymous). */
    linkIssuedBy: { userId: string; upn: string };
    /** Optional client info (no personal data beyond what the caller chose to pass). */
    client: { ipHash?: string; userAgent?: string } | null;
    at: IsoDateTime;
  };
};

export type CancelledLineItem = {
  lineItemNumber: number;
  offerId: string;
  friendlyName: string;
  kind: OfferKind;
  termDuration: TermDuration | null;
  quantity: number;
  unitPrice: number;
  lineTotal: number;
  /** Minor units, half-even rounded once for the line. */
  credit: number;
  basis: 'full' | 'prorated';
  /** Started days since purchase (1 within the first 24 h). */
  daysUsed: number;
  /** Days of the term (null for perpetual). */
  termDays: number | null;
};

export type OrderCancelled = {
  type: 'OrderCancelled';
  data: {
    orderId: string;
    customerId: string;
    partnerTenantId: string;
    lineItems: CancelledLineItem[];
    currencyCode: string;
    taxInclusive: boolean;
    totalCredit: number;
    /** No early-termination fee within the window (always 0, recorded for finance). */
    earlyTerminationFee: number;
    cancelledAt: IsoDateTime;
    /** cancelledAt + 15 minutes: the ceiling we promise for the cancellation to show everywhere. */
    propagationDeadline: IsoDateTime;
    statusAfter: 'cancelled' | 'completed';
    windowEndsAt: IsoDateTime;
    policyVersion: string;
    requestedBy: { userId: string; upn: string; tenantId: string };
    /** Download links of the cancelled lines, now revoked. */
    revokedLinkIds: string[];
    /** The caller's confirmation of the cancellation notice, as given (absent when not given). */
    acknowledgedCancellationNotice?: boolean;
  };
};

/** Appended by the propagation reactor once every downstream effect (revocation, credit) is done. */
export type CancellationPropagated = {
  type: 'CancellationPropagated';
  data: {
    orderId: string;
    customerId: string;
    cancelledAt: IsoDateTime;
    propagatedAt: IsoDateTime;
    /** Whether it finished before propagationDeadline. */
    withinDeadline: boolean;
    /** When each step first finished (absent on events recorded before the propagation worker existed). */
    keysRevokedAt?: IsoDateTime;
    linksRevokedAt?: IsoDateTime;
    creditPostedAt?: IsoDateTime;
  };
};

/** The 15-minute promise was broken: recorded once, when the reconciler finds the deadline passed. */
export type CancellationPropagationOverdue = {
  type: 'CancellationPropagationOverdue';
  data: {
    orderId: string;
    customerId: string;
    cancelledAt: IsoDateTime;
    propagationDeadline: IsoDateTime;
    detectedAt: IsoDateTime;
  };
};

/** A reminder to the partner that the cancellation window of some line items closes soon (72 h, 24 h). */
export type CancellationWindowClosing = {
  type: 'CancellationWindowClosing';
  data: {
    orderId: string;
    customerId: string;
    partnerTenantId: string;
    windowEndsAt: IsoDateTime;
    hoursBefore: number;
    /** The still-cancellable line items whose window ends at windowEndsAt. */
    lineItemNumbers: number[];
    warnedAt: IsoDateTime;
  };
};

export type OrderEvent =
  | OrderPlaced
  | KeyRevealed
  | DownloadLinkIssued
  | SoftwareDownloaded
  | OrderCancelled
  | CancellationPropagated
  | CancellationPropagationOverdue
  | CancellationWindowClosing;
export type OrderEventType = OrderEvent['type'];
export const ORDER_EVENT_TYPES: readonly OrderEventType[] = [
  'OrderPlaced',
  'KeyRevealed',
  'DownloadLinkIssued',
  'SoftwareDownloaded',
  'OrderCancelled',
  'CancellationPropagated',
  'CancellationPropagationOverdue',
  'CancellationWindowClosing',
];

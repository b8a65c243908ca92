import type { AccessChannel, Actor, Bitness, RequestedKeyType } from '../shared/types';

/** The customer as the application read it from the customer stream (CustomerRegistered). */
export type CustomerSnapshot = {
  customerId: string;
  partnerTenantId: string;
  country: string;
  currencyCode: string;
  taxInclusive: boolean;
};

export type OrderLineItemInput = {
  lineItemNumber: number;
  offerId: string;
  quantity: number;
  // Partner Center's optional line fields (see partner-center-order.ts).
  friendlyName?: string;
  partnerIdOnRecord?: string;
  additionalPartnerIdsOnRecord?: string[];
  provisioningContext?: Record<string, string>;
  termDuration?: string;
};

/** Partner Center's optional order fields, as the caller gave them (checked by checkPartnerCenterOrder). */
export type PartnerCenterOrderInput = {
  /** Partner Center lets a client send the order id; we assign ours and record theirs. */
  id?: string;
  referenceCustomerId?: string;
  billingCycle?: string;
  currencyCode?: string;
  attributes?: { objectType?: string };
  partnerOnRecordAttestationAccepted?: boolean;
};

export type PlaceOrder = {
  type: 'PlaceOrder';
  data: {
    orderId: string;
    customer: CustomerSnapshot;
    lineItems: OrderLineItemInput[];
    placedBy?: Actor;
    partnerCenter?: PartnerCenterOrderInput;
  };
};

export type RevealKey = {
  type: 'RevealKey';
  data: {
    lineItemNumber: number;
    version: string;
    /** Optional; MAK when absent. KMS is refused (400 kms_not_allowed). */
    keyType?: RequestedKeyType | string;
    user: Actor;
    channel: AccessChannel;
    /** The caller's retry of an earlier reveal (same MS-RequestId): decided and recorded again, marked. */
    retry?: boolean;
  };
};

export type IssueDownloadLink = {
  type: 'IssueDownloadLink';
  data: {
    lineItemNumber: number;
    version: string;
    language: string;
    bitness: Bitness | string;
    /** Chosen by the application (a GUID); the signed token's secret never enters the domain. */
    linkId: string;
    /** ISO timestamp, must be after now. */
    expiresAt: string;
    maxDownloads: number;
    user: Actor;
    channel: AccessChannel;
  };
};

export type RecordDownload = {
  type: 'RecordDownload';
  data: {
    linkId: string;
    sha256: string;
    bytes: number;
    client?: { ipHash?: string; userAgent?: string };
  };
};

export type CancelOrder = {
  type: 'CancelOrder';
  data: {
    /** Absent or empty = every line item of the order. */
    lineItemNumbers?: number[];
    /** Partner Center's cancel body may name each line's offer (same order as lineItemNumbers). */
    offerIds?: (string | undefined)[];
    /** A round-tripped order resource repeats each line's quantity: a line is cancelled whole, so it must be it. */
    quantities?: (number | undefined)[];
    /** Partner Center's cancel body repeats the order id; it must be this order's. */
    orderId?: string;
    /** Optional confirmation that the cancellation notice was read; `false` is refused, absent is fine. */
    acknowledgedNotice?: boolean;
    /** A deployment may require the confirmation (REQUIRE_CANCELLATION_ACK). */
    requireAcknowledgement?: boolean;
    requestedBy: Actor;
  };
};

export type MarkCancellationPropagated = {
  type: 'MarkCancellationPropagated';
  /** When each propagation step finished (recorded in CancellationPropagated when given). */
  data: { keysRevokedAt?: string; linksRevokedAt?: string; creditPostedAt?: string };
};

/** Raised by the reconciler once the propagation deadline has passed without CancellationPropagated. */
export type MarkCancellationOverdue = { type: 'MarkCancellationOverdue'; data: Record<string, never> };

/** Sent by a delayed job `hoursBefore` hours before a cancellation window ends. */
export type WarnCancellationWindowClosing = {
  type: 'WarnCancellationWindowClosing';
  data: { windowEndsAt: string; hoursBefore: number };
};

export type OrderCommand =
  | PlaceOrder
  | RevealKey
  | IssueDownloadLink
  | RecordDownload
  | CancelOrder
  | MarkCancellationPropagated
  | MarkCancellationOverdue
  | WarnCancellationWindowClosing;

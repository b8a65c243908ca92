/**
 * Key custody as events, so that an auditor can replay it: which keys came in (fingerprints, never keys),
 * which pool record went to which order line, and which assignment a cancellation burnt.
 */

/** Per offer and version, how many keys one import brought. */
export type ImportedCount = { offerId: string; version: string; count: number };

/**
 * One chunk of an import (a large import is several events appended at once, so that no event outgrows the
 * store's limits). `count` and `byOffer` are the whole import's; `fingerprints` this chunk's share.
 */
export type KeysImported = {
  type: 'KeysImported';
  data: {
    importId: string;
    partnerTenantId: string;
    count: number;
    byOffer: ImportedCount[];
    chunk: number;
    chunks: number;
    /** SHA-256 (hex) of each imported key, in import order. */
    fingerprints: string[];
    importedBy: { userId: string; upn: string; tenantId: string };
    at: string;
  };
};

export type KeyAssigned = {
  type: 'KeyAssigned';
  data: {
    recordId: string;
    partnerTenantId: string;
    offerId: string;
    version: string;
    keyFingerprint: string;
    orderId: string;
    lineItemNumber: number;
    /** The line's quantity: the activations this one MAK covers (see activationsFor). */
    activations: number;
    at: string;
  };
};

export type KeyAssignmentRevoked = {
  type: 'KeyAssignmentRevoked';
  data: {
    recordId: string;
    partnerTenantId: string;
    offerId: string;
    version: string;
    keyFingerprint: string;
    orderId: string;
    lineItemNumber: number;
    reason: 'order_cancelled';
    at: string;
  };
};

export type LowWatermarkSet = {
  type: 'KeyPoolLowWatermarkSet';
  data: {
    partnerTenantId: string;
    offerId: string;
    version: string;
    lowWatermark: number;
    setBy: { userId: string; upn: string; tenantId: string };
    at: string;
  };
};

export type KeyImportEvent = KeysImported;
export type PoolKeyEvent = KeyAssigned | KeyAssignmentRevoked;
export type KeyPoolSettingsEvent = LowWatermarkSet;
export type KeyPoolEvent = KeyImportEvent | PoolKeyEvent | KeyPoolSettingsEvent;

export const KEY_POOL_EVENT_TYPES = [
  'KeysImported',
  'KeyAssigned',
  'KeyAssignmentRevoked',
  'KeyPoolLowWatermarkSet',
] as const satisfies readonly KeyPoolEvent['type'][];

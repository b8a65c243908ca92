import {
  formatMoney,
  type DownloadLinkIssued,
  type KeyRevealed,
  type OrderCancelled,
  type OrderPlaced,
  type SoftwareDownloaded,
} from '@csp/domain';
import type { Recorded } from '@csp/event-sourcing';
import type { RecordedEvent } from '@csp/event-store';

/** API.md's operation types of the activity log. */
export const AUDIT_OPERATION_TYPES = [
  'get_software_key',
  'get_software_download_link',
  'download_software',
  'create_order',
  'update_order',
] as const;
export type AuditOperationType = (typeof AUDIT_OPERATION_TYPES)[number];

export const isAuditOperationType = (value: string): value is AuditOperationType =>
  (AUDIT_OPERATION_TYPES as readonly string[]).includes(value);

export type CustomizedData = { key: string; value: string }[];

/** What one audited event contributes to the activity log (the customer's name is joined in later). */
export interface AuditEntry {
  partnerId: string;
  customerId: string;
  userPrincipalName: string;
  operationType: AuditOperationType;
  operationDate: string;
  operationStatus: 'succeeded';
  customizedData: CustomizedData;
}

type Mapper<E extends { type: string; data: object }> = (data: E['data'], event: RecordedEvent) => AuditEntry;

/** A detail of an entry; one without a value is left out. */
type Detail = [key: string, value: string | number | boolean | null | undefined];

const kv = (pairs: Detail[]): CustomizedData =>
  pairs.filter(([, v]) => v !== undefined && v !== null).map(([key, value]) => ({ key, value: String(value) }));

/** The upn that caused the event: the request's (metadata), else what the event names. */
const upnOf = (event: RecordedEvent, fallback: string | undefined): string =>
  (typeof event.metadata.upn === 'string' && event.metadata.upn) || fallback || 'unknown';

/** An entry of the activity log: who did what to which customer when, and the details as key/value pairs. */
const entry = (
  d: { partnerTenantId: string; customerId: string },
  operationType: AuditOperationType,
  operationDate: string,
  userPrincipalName: string,
  details: Detail[],
): AuditEntry => ({
  partnerId: d.partnerTenantId,
  customerId: d.customerId,
  userPrincipalName,
  operationType,
  operationDate,
  operationStatus: 'succeeded',
  customizedData: kv(details),
});

/** The details every entry of a software line starts with: the line and the version it was about. */
const softwareLine = (d: { orderId: string; lineItemNumber: number; offerId: string; version: string }): Detail[] => [
  ['OrderId', d.orderId],
  ['LineItemNumber', d.lineItemNumber],
  ['OfferId', d.offerId],
  ['ProductVersion', d.version],
];

/**
 * The one place that says which events are audited and how each reads in the log. A future audited event
 * gets an entry here, in AuditedEvent and in the projection's eventTypes (the compiler asks for each). Values are
 * strings (Partner Center's customizedData); a product key is never among them, nor in any event.
 */
export const AUDIT_MAPPINGS: { [K in AuditedEvent['type']]: Mapper<Extract<AuditedEvent, { type: K }>> } = {
  KeyRevealed: (d, e) =>
    entry(d, 'get_software_key', d.at, d.upn || upnOf(e, undefined), [
      ...softwareLine(d),
      ['KeyType', d.keyType],
      ['Channel', d.channel],
      ['UserTenantId', d.userTenantId],
      ['retry', d.retry],
    ]),
  DownloadLinkIssued: (d, e) =>
    entry(d, 'get_software_download_link', d.issuedAt, d.upn || upnOf(e, undefined), [
      ...softwareLine(d),
      ['Language', d.language],
      ['Bitness', d.bitness],
      ['LinkId', d.linkId],
      ['ExpiresAt', d.expiresAt],
      ['MaxDownloads', d.maxDownloads],
      ['Channel', d.channel],
      ['UserTenantId', d.userTenantId],
    ]),
  // A link download is anonymous (the signed link is the credential): the log names the user who
  // issued the link, and says so through Channel and LinkIssuedBy.
  SoftwareDownloaded: (d, e) =>
    entry(d, 'download_software', d.at, upnOf(e, d.linkIssuedBy?.upn), [
      ...softwareLine(d),
      ['Language', d.language],
      ['Bitness', d.bitness],
      ['LinkId', d.linkId],
      ['DownloadNumber', d.downloadNumber],
      ['Bytes', d.bytes],
      ['Sha256', d.sha256],
      ['Channel', d.channel],
      ['LinkIssuedBy', d.linkIssuedBy?.upn],
    ]),
  OrderPlaced: (d, e) =>
    entry(d, 'create_order', d.placedAt, d.placedBy?.upn || upnOf(e, undefined), [
      ['OrderId', d.orderId],
      ['LineItemCount', d.lineItems.length],
      ['OfferIds', d.lineItems.map((l) => l.offerId).join(' ')],
      ['Total', formatMoney(d.total, d.currencyCode).amount],
      ['CurrencyCode', d.currencyCode],
      ['Status', d.status],
    ]),
  OrderCancelled: (d, e) =>
    entry(d, 'update_order', d.cancelledAt, d.requestedBy?.upn || upnOf(e, undefined), [
      ['OrderId', d.orderId],
      ['Change', 'cancelled'],
      ['CancelledLineItems', d.lineItems.map((l) => l.lineItemNumber).join(' ')],
      ['TotalCredit', formatMoney(d.totalCredit, d.currencyCode).amount],
      ['CurrencyCode', d.currencyCode],
      ['StatusAfter', d.statusAfter],
    ]),
};

/** The audited events: those AUDIT_MAPPINGS maps (the projection's union, with CustomerRegistered). */
export type AuditedEvent = KeyRevealed | DownloadLinkIssued | SoftwareDownloaded | OrderPlaced | OrderCancelled;

/** The activity-log entry of an audited event. */
export function auditEntryOf(event: Recorded<AuditedEvent>): AuditEntry {
  switch (event.type) {
    case 'KeyRevealed':
      return AUDIT_MAPPINGS.KeyRevealed(event.data, event);
    case 'DownloadLinkIssued':
      return AUDIT_MAPPINGS.DownloadLinkIssued(event.data, event);
    case 'SoftwareDownloaded':
      return AUDIT_MAPPINGS.SoftwareDownloaded(event.data, event);
    case 'OrderPlaced':
      return AUDIT_MAPPINGS.OrderPlaced(event.data, event);
    case 'OrderCancelled':
      return AUDIT_MAPPINGS.OrderCancelled(event.data, event);
  }
}

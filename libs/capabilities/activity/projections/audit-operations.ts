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

const kv = (pairs: [string, string | number | boolean | null | undefined][]): CustomizedData =>
  pairs.filter(([, v]) => v !== undefined && v !== null).map(([key, value]) => ({ key, value: String(value) }));

/** The upn that caused the event: the request's (metadata), else what the event names. */
const upnOf = (event: RecordedEvent, fallback: string | undefined): string =>
  (typeof event.metadata.upn === 'string' && event.metadata.upn) || fallback || 'unknown';

/**
 * The one place that says which events are audited and how each reads in the log. A future audited event
 * gets an entry here, in AuditedEvent and in the projection's eventTypes (the compiler asks for each). Values are
 * strings (Partner Center's customizedData); a product key is never among them, nor in any event.
 */
export const AUDIT_MAPPINGS: { [K in AuditedEvent['type']]: Mapper<Extract<AuditedEvent, { type: K }>> } = {
  KeyRevealed: (d, e) => ({
    partnerId: d.partnerTenantId,
    customerId: d.customerId,
    userPrincipalName: d.upn || upnOf(e, undefined),
    operationType: 'get_software_key',
    operationDate: d.at,
    operationStatus: 'succeeded',
    customizedData: kv([
      ['OrderId', d.orderId],
      ['LineItemNumber', d.lineItemNumber],
      ['OfferId', d.offerId],
      ['ProductVersion', d.version],
      ['KeyType', d.keyType],
      ['Channel', d.channel],
      ['UserTenantId', d.userTenantId],
      ['retry', d.retry],
    ]),
  }),
  DownloadLinkIssued: (d, e) => ({
    partnerId: d.partnerTenantId,
    customerId: d.customerId,
    userPrincipalName: d.upn || upnOf(e, undefined),
    operationType: 'get_software_download_link',
    operationDate: d.issuedAt,
    operationStatus: 'succeeded',
    customizedData: kv([
      ['OrderId', d.orderId],
      ['LineItemNumber', d.lineItemNumber],
      ['OfferId', d.offerId],
      ['ProductVersion', d.version],
      ['Language', d.language],
      ['Bitness', d.bitness],
      ['LinkId', d.linkId],
      ['ExpiresAt', d.expiresAt],
      ['MaxDownloads', d.maxDownloads],
      ['Channel', d.channel],
      ['UserTenantId', d.userTenantId],
    ]),
  }),
  // A link download is anonymous (the signed link is the credential): the log names the user who
  // issued the link, and says so through Channel and LinkIssuedBy.
  SoftwareDownloaded: (d, e) => ({
    partnerId: d.partnerTenantId,
    customerId: d.customerId,
    userPrincipalName: upnOf(e, d.linkIssuedBy?.upn),
    operationType: 'download_software',
    operationDate: d.at,
    operationStatus: 'succeeded',
    customizedData: kv([
      ['OrderId', d.orderId],
      ['LineItemNumber', d.lineItemNumber],
      ['OfferId', d.offerId],
      ['ProductVersion', d.version],
      ['Language', d.language],
      ['Bitness', d.bitness],
      ['LinkId', d.linkId],
      ['DownloadNumber', d.downloadNumber],
      ['Bytes', d.bytes],
      ['Sha256', d.sha256],
      ['Channel', d.channel],
      ['LinkIssuedBy', d.linkIssuedBy?.upn],
    ]),
  }),
  OrderPlaced: (d, e) => ({
    partnerId: d.partnerTenantId,
    customerId: d.customerId,
    userPrincipalName: d.placedBy?.upn || upnOf(e, undefined),
    operationType: 'create_order',
    operationDate: d.placedAt,
    operationStatus: 'succeeded',
    customizedData: kv([
      ['OrderId', d.orderId],
      ['LineItemCount', d.lineItems.length],
      ['OfferIds', d.lineItems.map((l) => l.offerId).join(' ')],
      ['Total', formatMoney(d.total, d.currencyCode).amount],
      ['CurrencyCode', d.currencyCode],
      ['Status', d.status],
    ]),
  }),
  OrderCancelled: (d, e) => ({
    partnerId: d.partnerTenantId,
    customerId: d.customerId,
    userPrincipalName: d.requestedBy?.upn || upnOf(e, undefined),
    operationType: 'update_order',
    operationDate: d.cancelledAt,
    operationStatus: 'succeeded',
    customizedData: kv([
      ['OrderId', d.orderId],
      ['Change', 'cancelled'],
      ['CancelledLineItems', d.lineItems.map((l) => l.lineItemNumber).join(' ')],
      ['TotalCredit', formatMoney(d.totalCredit, d.currencyCode).amount],
      ['CurrencyCode', d.currencyCode],
      ['StatusAfter', d.statusAfter],
    ]),
  }),
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

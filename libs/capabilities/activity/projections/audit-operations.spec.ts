import type { DownloadLinkIssued, KeyRevealed, SoftwareDownloaded } from '@csp/domain';
import type { RecordedEvent } from '@csp/event-store';
import { auditEntryOf, type AuditedEvent } from './audit-operations';

const recorded = <E extends AuditedEvent>(event: E, upn?: string): RecordedEvent<E> => ({
  eventId: 'e1',
  streamId: 'order-o1',
  streamPosition: 2,
  globalPosition: 7,
  type: event.type,
  data: event.data,
  metadata: upn ? { upn } : {},
  recordedAt: new Date('2024-03-10T09:30:00Z'),
});

const line = {
  orderId: 'o1',
  customerId: 'c1',
  partnerTenantId: 'p1',
  lineItemNumber: 0,
  offerId: 'OFFER',
  version: '2022',
};
const link = { ...line, linkId: 'l1', language: 'en-US', bitness: 'x64' as const };

describe('the activity log entry of each software-line event', () => {
  it('a key reveal: the line, the version, the key type, channel, user tenant and retry, in that order', () => {
    const data: KeyRevealed['data'] = {
      ...line,
      keyType: 'MAK',
      userId: 'u1',
      upn: 'admin@partner.example',
      userTenantId: 'p1',
      channel: 'partnerCenter',
      at: '2024-03-10T09:00:00Z',
      retry: true,
    };
    expect(auditEntryOf(recorded({ type: 'KeyRevealed', data }))).toEqual({
      partnerId: 'p1',
      customerId: 'c1',
      userPrincipalName: 'admin@partner.example',
      operationType: 'get_software_key',
      operationDate: '2024-03-10T09:00:00Z',
      operationStatus: 'succeeded',
      customizedData: [
        { key: 'OrderId', value: 'o1' },
        { key: 'LineItemNumber', value: '0' },
        { key: 'OfferId', value: 'OFFER' },
        { key: 'ProductVersion', value: '2022' },
        { key: 'KeyType', value: 'MAK' },
        { key: 'Channel', value: 'partnerCenter' },
        { key: 'UserTenantId', value: 'p1' },
        { key: 'retry', value: 'true' },
      ],
    });
  });

  it('a link issued: the line, the bits, the link and its bounds; the request’s upn when the event has none', () => {
    const data: DownloadLinkIssued['data'] = {
      ...link,
      issuedAt: '2024-03-10T09:00:00Z',
      expiresAt: '2024-03-24T09:00:00Z',
      maxDownloads: 50,
      userId: 'u1',
      upn: '',
      userTenantId: 'p1',
      channel: 'partnerCenter',
    };
    expect(auditEntryOf(recorded({ type: 'DownloadLinkIssued', data }, 'request@partner.example'))).toEqual({
      partnerId: 'p1',
      customerId: 'c1',
      userPrincipalName: 'request@partner.example',
      operationType: 'get_software_download_link',
      operationDate: '2024-03-10T09:00:00Z',
      operationStatus: 'succeeded',
      customizedData: [
        { key: 'OrderId', value: 'o1' },
        { key: 'LineItemNumber', value: '0' },
        { key: 'OfferId', value: 'OFFER' },
        { key: 'ProductVersion', value: '2022' },
        { key: 'Language', value: 'en-US' },
        { key: 'Bitness', value: 'x64' },
        { key: 'LinkId', value: 'l1' },
        { key: 'ExpiresAt', value: '2024-03-24T09:00:00Z' },
        { key: 'MaxDownloads', value: '50' },
        { key: 'Channel', value: 'partnerCenter' },
        { key: 'UserTenantId', value: 'p1' },
      ],
    });
  });

  it('a download: anonymous, so it names the link’s issuer; no value, no pair', () => {
    const data: SoftwareDownloaded['data'] = {
      ...link,
      sha256: 'ab',
      bytes: 1234,
      downloadNumber: 3,
      channel: 'downloadLink',
      linkIssuedBy: { userId: 'u1', upn: 'issuer@partner.example' },
      client: null,
      at: '2024-03-10T09:05:00Z',
    };
    expect(auditEntryOf(recorded({ type: 'SoftwareDownloaded', data }))).toEqual({
      partnerId: 'p1',
      customerId: 'c1',
      userPrincipalName: 'issuer@partner.example',
      operationType: 'download_software',
      operationDate: '2024-03-10T09:05:00Z',
      operationStatus: 'succeeded',
      customizedData: [
        { key: 'OrderId', value: 'o1' },
        { key: 'LineItemNumber', value: '0' },
        { key: 'OfferId', value: 'OFFER' },
        { key: 'ProductVersion', value: '2022' },
        { key: 'Language', value: 'en-US' },
        { key: 'Bitness', value: 'x64' },
        { key: 'LinkId', value: 'l1' },
        { key: 'DownloadNumber', value: '3' },
        { key: 'Bytes', value: '1234' },
        { key: 'Sha256', value: 'ab' },
        { key: 'Channel', value: 'downloadLink' },
        { key: 'LinkIssuedBy', value: 'issuer@partner.example' },
      ],
    });
  });
});

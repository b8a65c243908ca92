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

/** The entry every software-line event gives, with its own operation, date, user and details after the line's. */
const lineEntry = (operationType: string, operationDate: string, userPrincipalName: string, details: string[][]) => ({
  partnerId: 'p1',
  customerId: 'c1',
  userPrincipalName,
  operationType,
  operationDate,
  operationStatus: 'succeeded',
  customizedData: [
    ['OrderId', 'o1'],
    ['LineItemNumber', '0'],
    ['OfferId', 'OFFER'],
    ['ProductVersion', '2022'],
    ...details,
  ].map(([key, value]) => ({ key, value })),
});

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
    expect(auditEntryOf(recorded({ type: 'KeyRevealed', data }))).toEqual(
      lineEntry('get_software_key', '2024-03-10T09:00:00Z', 'admin@partner.example', [
        ['KeyType', 'MAK'],
        ['Channel', 'partnerCenter'],
        ['UserTenantId', 'p1'],
        ['retry', 'true'],
      ]),
    );
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
    expect(auditEntryOf(recorded({ type: 'DownloadLinkIssued', data }, 'request@partner.example'))).toEqual(
      lineEntry('get_software_download_link', '2024-03-10T09:00:00Z', 'request@partner.example', [
        ['Language', 'en-US'],
        ['Bitness', 'x64'],
        ['LinkId', 'l1'],
        ['ExpiresAt', '2024-03-24T09:00:00Z'],
        ['MaxDownloads', '50'],
        ['Channel', 'partnerCenter'],
        ['UserTenantId', 'p1'],
      ]),
    );
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
    expect(auditEntryOf(recorded({ type: 'SoftwareDownloaded', data }))).toEqual(
      lineEntry('download_software', '2024-03-10T09:05:00Z', 'issuer@partner.example', [
        ['Language', 'en-US'],
        ['Bitness', 'x64'],
        ['LinkId', 'l1'],
        ['DownloadNumber', '3'],
        ['Bytes', '1234'],
        ['Sha256', 'ab'],
        ['Channel', 'downloadLink'],
        ['LinkIssuedBy', 'issuer@partner.example'],
      ]),
    );
  });
});

import { domainReservationStreamId } from '../customers/customer-domain';
import { kmsMigrationStreamId } from '../kms-migration/kms-migration.events';
import { STREAM_PREFIXES, STREAM_TYPES, streamIdOf, streamTypeOf, type StreamType } from './stream-registry';

describe('stream registry', () => {
  it('given every stream type, then its ids are recognised as that type and covered by STREAM_PREFIXES', () => {
    for (const type of Object.keys(STREAM_TYPES) as StreamType[]) {
      const id = streamIdOf(type, 'a1b2');
      expect(streamTypeOf(id)).toBe(type);
      expect(STREAM_PREFIXES.some((p) => id.startsWith(p))).toBe(true);
    }
  });

  it('given the stream-id builders of the aggregates, then each names a registered stream type', () => {
    expect(streamTypeOf(kmsMigrationStreamId('c1'))).toBe('kmsMigration');
    expect(streamTypeOf(domainReservationStreamId('Contoso.com'))).toBe('customerDomain');
    expect(streamTypeOf('customer-00000000-0000-0000-0000-000000000001')).toBe('customer');
  });

  it('given a foreign stream, then it has no stream type', () => {
    expect(streamTypeOf('$stats-127.0.0.1')).toBeUndefined();
    expect(streamTypeOf('invoice-1')).toBeUndefined();
  });

  it('then STREAM_PREFIXES has no prefix that another one already covers', () => {
    expect(STREAM_PREFIXES).not.toContain('customer-domain-');
    expect(STREAM_PREFIXES).toEqual(
      expect.arrayContaining(['customer-', 'order-', 'support-request-', 'kms-migration-']),
    );
  });
});

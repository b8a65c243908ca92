import type { OrderEvent } from '../orders/order.events';
import { orderDecider } from '../orders/order.decide';
import type { KmsMigrationEvent } from '../kms-migration/kms-migration.events';
import {
  domainReservationStreamId,
  entityIdOf,
  kmsMigrationStreamId,
  parseStreamId,
  STREAM_PREFIXES,
  STREAM_TYPES,
  STREAMS,
  streamIdOf,
  streamTypeOf,
  type StreamType,
} from './stream-registry';
import type { EventOfStream } from './stream-deciders';

type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

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
    expect(parseStreamId('invoice-1')).toBeUndefined();
  });

  it('then STREAM_PREFIXES has no prefix that another one already covers', () => {
    expect(STREAM_PREFIXES).not.toContain('customer-domain-');
    expect(STREAM_PREFIXES).toEqual(
      expect.arrayContaining(['customer-', 'order-', 'support-request-', 'kms-migration-', 'partner-']),
    );
  });

  it('given a stream id of every type, then parsing it gives back its type and entity id', () => {
    for (const type of Object.keys(STREAMS) as StreamType[]) {
      expect(parseStreamId(streamIdOf(type, 'e-42'))).toEqual({ type, id: 'e-42' });
      expect(entityIdOf(type, streamIdOf(type, 'e-42'))).toBe('e-42');
    }
    // The longest prefix wins: a domain reservation is not a customer whose id starts with "domain-".
    expect(entityIdOf('customer', domainReservationStreamId('contoso.com'))).toBeUndefined();
  });

  it('given case-insensitive entity ids, then their stream ids are normalised (domains, partner tenants)', () => {
    expect(domainReservationStreamId('Contoso.COM.')).toBe(streamIdOf('customerDomain', 'contoso.com'));
    expect(streamIdOf('partner', 'ABCDEF01-0000-4000-8000-000000000000')).toBe(
      'partner-abcdef01-0000-4000-8000-000000000000',
    );
  });

  it('then each stream type carries its decider and its event union', () => {
    expect(STREAMS.order.decider).toBe(orderDecider);
    // Type-level: these lines do not compile unless the unions are exactly the aggregates' own.
    const order: Same<EventOfStream<'order'>, OrderEvent> = true;
    const kms: Same<EventOfStream<'kmsMigration'>, KmsMigrationEvent> = true;
    expect([order, kms]).toEqual([true, true]);
  });
});

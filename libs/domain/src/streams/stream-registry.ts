/**
 * The stream registry: the one place a stream name is spelled. Every stream type this service writes is one
 * entry of STREAMS (prefix, id format, decider and so its event union); adding a stream type is adding an entry.
 * The hosting code hands `STREAM_PREFIXES` to the event-store adapters that filter by stream name (KurrentDB's
 * $all reads and subscriptions), so a new stream type cannot be silently left out of projections.
 */
import { normalizeDomain } from '../customers/customer-domain';
import { customerDomainDecider } from '../customers/customer-domain-claim';
import { customerDecider } from '../customers/customer.decide';
import { kmsMigrationDecider } from '../kms-migration/kms-migration.decide';
import { orderDecider } from '../orders/order.decide';
import { partnerDecider } from '../partners/partner.decide';
import { supportRequestDecider } from '../support/support-request.decide';
import { statementDecider } from '../credits/statement.decide';
import { webhookEndpointDecider } from '../webhooks/webhook-endpoint.decide';
import { keyImportDecider } from '../key-pool/key-import.decide';
import { keyPoolSettingsDecider } from '../key-pool/key-stock';
import { poolKeyDecider } from '../key-pool/pool-key.decide';
import { declareStream } from './stream-declaration';

const lowercase = (id: string): string => id.toLowerCase();

export const STREAMS = {
  /** `customer-{tenant guid}`: a customer tenant's registration. */
  customer: declareStream({ prefix: 'customer-', decider: customerDecider }),
  /** `customer-domain-{domain}`: reserves a domain across customers; shares the `customer-` prefix on purpose. */
  customerDomain: declareStream({
    prefix: 'customer-domain-',
    decider: customerDomainDecider,
    normalizeId: normalizeDomain,
  }),
  /** `order-{order id}`: an order, its software (keys, links, downloads), its cancellation and propagation. */
  order: declareStream({ prefix: 'order-', decider: orderDecider }),
  /** `support-request-{id}`. */
  supportRequest: declareStream({ prefix: 'support-request-', decider: supportRequestDecider }),
  /** `kms-migration-{customer id}`: one plan per customer, so group-name uniqueness and imports are atomic. */
  kmsMigration: declareStream({ prefix: 'kms-migration-', decider: kmsMigrationDecider }),
  /** `partner-{tenant guid}`: a registered partner tenant, the only source of "this tid is a partner". */
  partner: declareStream({ prefix: 'partner-', decider: partnerDecider, normalizeId: lowercase }),
  /** `webhook-endpoint-{guid}`: a partner's webhook endpoint: its URL, event types, state and secret versions. */
  webhookEndpoint: declareStream({ prefix: 'webhook-endpoint-', decider: webhookEndpointDecider }),
  /** `statement-{partner guid}-{YYYY-MM}`: a partner's closed month, one StatementClosed, never changed. */
  statement: declareStream({ prefix: 'statement-', decider: statementDecider, normalizeId: lowercase }),
  /** `keypool-{partner guid}`: a partner's key-pool settings (low watermarks). */
  keyPool: declareStream({ prefix: 'keypool-', decider: keyPoolSettingsDecider, normalizeId: lowercase }),
  /** `keypool-import-{import id}`: one import into a partner's pool (KeysImported: counts and fingerprints). */
  keyImport: declareStream({ prefix: 'keypool-import-', decider: keyImportDecider }),
  /** `keypool-key-{record id}`: one pool record's custody (KeyAssigned, KeyAssignmentRevoked). */
  poolKey: declareStream({ prefix: 'keypool-key-', decider: poolKeyDecider }),
} as const;

export type StreamType = keyof typeof STREAMS;

/** The prefix of every stream type (derived from STREAMS). */
export const STREAM_TYPES: { readonly [T in StreamType]: string } = Object.fromEntries(
  Object.entries(STREAMS).map(([type, declaration]) => [type, declaration.prefix]),
) as { [T in StreamType]: string };

const BY_LONGEST_PREFIX = (Object.keys(STREAMS) as StreamType[]).sort(
  (a, b) => STREAMS[b].prefix.length - STREAMS[a].prefix.length,
);

/** The stream id of entity `id` of a stream type. */
export const streamIdOf = (type: StreamType, id: string): string => STREAMS[type].streamId(id);

/** The stream type a stream id belongs to (the longest matching prefix), or undefined for foreign streams. */
export const streamTypeOf = (streamId: string): StreamType | undefined =>
  BY_LONGEST_PREFIX.find((type) => streamId.startsWith(STREAMS[type].prefix));

/** The stream type and entity id of a stream id, or undefined for foreign streams. */
export function parseStreamId(streamId: string): { type: StreamType; id: string } | undefined {
  const type = streamTypeOf(streamId);
  return type ? { type, id: streamId.slice(STREAMS[type].prefix.length) } : undefined;
}

/** The entity id of a stream of the given type, or undefined when the stream is of another type. */
export const entityIdOf = (type: StreamType, streamId: string): string | undefined => {
  const parsed = parseStreamId(streamId);
  return parsed?.type === type ? parsed.id : undefined;
};

/** The smallest set of prefixes that covers every registered stream type (for server-side filters). */
export const STREAM_PREFIXES: readonly string[] = Object.values(STREAM_TYPES).filter(
  (prefix, _i, all) => !all.some((other) => other !== prefix && prefix.startsWith(other)),
);

/** The plan of customer X (`kms-migration-{customerId}`). */
export const kmsMigrationStreamId = (customerId: string): string => streamIdOf('kmsMigration', customerId);

/** The stream reserving a domain across customers (the application appends to it with no_stream). */
export const domainReservationStreamId = (domain: string): string => streamIdOf('customerDomain', domain);

/** One stream per partner and month, so closing a month twice is a conflict. */
export const statementStreamId = (partnerTenantId: string, period: string): string =>
  streamIdOf('statement', `${partnerTenantId}-${period}`);

export const webhookEndpointStreamId = (endpointId: string): string => streamIdOf('webhookEndpoint', endpointId);

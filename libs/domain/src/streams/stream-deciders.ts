import type { Decider } from '../shared/decider';
import { customerDecider } from '../customers/customer.decide';
import { customerDomainDecider } from '../customers/customer-domain-claim';
import { orderDecider } from '../orders/order.decide';
import { supportRequestDecider } from '../support/support-request.decide';
import { kmsMigrationDecider } from '../kms-migration/kms-migration.decide';
import { partnerDecider } from '../partners/partner.decide';
import { keyImportDecider } from '../key-pool/key-import.decide';
import { keyPoolSettingsDecider } from '../key-pool/key-stock';
import { poolKeyDecider } from '../key-pool/pool-key.decide';
import type { StreamType } from './stream-registry';

/**
 * The decider of every stream type: a command on `order-…` is decided by the order decider, and so on. Command
 * handling takes the decider from here, so a handler names only its stream type (kept beside the registry, not in
 * it, because the deciders' modules import the registry for their stream ids).
 */
export const STREAM_DECIDERS = {
  customer: customerDecider,
  customerDomain: customerDomainDecider,
  order: orderDecider,
  supportRequest: supportRequestDecider,
  kmsMigration: kmsMigrationDecider,
  partner: partnerDecider,
  keyPool: keyPoolSettingsDecider,
  keyImport: keyImportDecider,
  poolKey: poolKeyDecider,
} satisfies Record<StreamType, unknown>;

export type StreamDeciders = typeof STREAM_DECIDERS;

/** The command, event and state unions of a stream type. */
export type CommandOfStream<T extends StreamType> =
  StreamDeciders[T] extends Decider<infer C, infer _E, infer _S> ? C : never;
export type EventOfStream<T extends StreamType> =
  StreamDeciders[T] extends Decider<infer _C, infer E, infer _S> ? E : never;
export type StateOfStream<T extends StreamType> =
  StreamDeciders[T] extends Decider<infer _C, infer _E, infer S> ? S : never;

/** The decider of a stream type, typed by it. */
export const deciderOf = <T extends StreamType>(
  type: T,
): Decider<CommandOfStream<T>, EventOfStream<T>, StateOfStream<T>> =>
  STREAM_DECIDERS[type] as unknown as Decider<CommandOfStream<T>, EventOfStream<T>, StateOfStream<T>>;

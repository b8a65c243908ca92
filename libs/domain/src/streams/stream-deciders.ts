import type { Decider } from '../shared/decider';
import type { StreamCommandOf, StreamEventOf, StreamStateOf } from './stream-declaration';
import { STREAMS, type StreamType } from './stream-registry';

/** The command, event and state unions of a stream type (from its declaration in the registry). */
export type CommandOfStream<T extends StreamType> = StreamCommandOf<(typeof STREAMS)[T]>;
export type EventOfStream<T extends StreamType> = StreamEventOf<(typeof STREAMS)[T]>;
export type StateOfStream<T extends StreamType> = StreamStateOf<(typeof STREAMS)[T]>;

/**
 * The decider of a stream type, typed by it: a command on `order-…` is decided by the order decider, and so on.
 * Command handling takes the decider from here, so a handler names only its stream type.
 */
export const deciderOf = <T extends StreamType>(
  type: T,
): Decider<CommandOfStream<T>, EventOfStream<T>, StateOfStream<T>> =>
  STREAMS[type].decider as unknown as Decider<CommandOfStream<T>, EventOfStream<T>, StateOfStream<T>>;

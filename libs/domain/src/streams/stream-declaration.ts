import type { DomainContext } from '../shared/context';
import type { Decider } from '../shared/decider';

/**
 * One stream type: its name prefix, how an entity id becomes a stream id and back, and the decider that owns
 * its events. `Event` is the stream's event union (type level: `StreamEventOf<typeof declaration>`).
 */
export interface StreamDeclaration<Command = unknown, Event = unknown, State = unknown> {
  readonly prefix: string;
  readonly decider: Decider<Command, Event, State, DomainContext>;
  /** The stream id of entity `id` (normalised first where the entity's ids are case-insensitive). */
  streamId(id: string): string;
}

export interface StreamDeclarationInit<Command, Event, State> {
  prefix: string;
  decider: Decider<Command, Event, State, DomainContext>;
  /** Applied to an entity id before it becomes part of a stream id (e.g. lowercase a tenant guid). */
  normalizeId?: (id: string) => string;
}

export const declareStream = <Command, Event, State>(
  init: StreamDeclarationInit<Command, Event, State>,
): StreamDeclaration<Command, Event, State> => {
  const normalize = init.normalizeId ?? ((id: string) => id);
  return {
    prefix: init.prefix,
    decider: init.decider,
    streamId: (id) => `${init.prefix}${normalize(id)}`,
  };
};

/** The event union of a stream declaration. */
export type StreamEventOf<D> = D extends StreamDeclaration<infer _C, infer Event, infer _S> ? Event : never;
/** The command union of a stream declaration. */
export type StreamCommandOf<D> = D extends StreamDeclaration<infer Command, infer _E, infer _S> ? Command : never;
/** The state of a stream declaration. */
export type StreamStateOf<D> = D extends StreamDeclaration<infer _C, infer _E, infer State> ? State : never;

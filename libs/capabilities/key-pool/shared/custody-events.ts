import type { DomainContext, StreamType, CommandOfStream } from '@csp/domain';
import type { EventStore } from '@csp/event-store';
import { commandMetadata, handleStreamCommand, type CommandHandlingEnv } from '@csp/event-sourcing';

/**
 * Carries out a custody command on its stream (the registry's decider, load, decide, append at the revision
 * decided on, bounded conflict retries). `request`: caused by the current HTTP request (its MS-RequestId makes a
 * retry recognisable); `worker`: the licensing side acting on its own (revocations), never on a request's ids.
 */
export function carryOut<T extends StreamType>(
  store: EventStore,
  context: () => DomainContext,
  source: 'request' | { worker: string },
  streamType: T,
  id: string,
  command: CommandOfStream<T>,
) {
  const env: CommandHandlingEnv = {
    store,
    context,
    metadata: (extra) =>
      source === 'request' ? commandMetadata(extra) : { causationId: source.worker, userId: 'key-pool', ...extra },
  };
  return handleStreamCommand(env, streamType, id, command);
}

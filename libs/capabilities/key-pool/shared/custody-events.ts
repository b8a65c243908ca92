import { createDomainContext, foldEvents, type Decider, type DomainContext, type DomainData } from '@csp/domain';
import { WrongExpectedVersionError, type EventMetadata, type EventStore } from '@csp/event-store';
import { getRequestContext } from '@csp/platform';

type AnyEvent = { type: string; data: Record<string, unknown> };

/** Who caused the events: the request's ids and principal (or the worker's own metadata). */
export function custodyMetadata(extra: Partial<EventMetadata> = {}): EventMetadata {
  const ctx = getRequestContext();
  return {
    ...(ctx ? { correlationId: ctx.correlationId, requestId: ctx.requestId, causationId: ctx.requestId } : {}),
    ...(ctx?.principal
      ? { userId: ctx.principal.userId, upn: ctx.principal.upn, tenantId: ctx.principal.tenantId }
      : {}),
    ...extra,
  };
}

/**
 * Load, decide, append with the version decided on; a concurrent writer is decided again on the fresher state.
 * The custody deciders are idempotent (a retry decides nothing), so a repeated call after a crash is safe.
 */
export async function decideAndAppend<C, E extends AnyEvent, S>(
  store: EventStore,
  streamId: string,
  decider: Decider<C, E, S>,
  command: C,
  context: () => DomainContext,
  metadata: EventMetadata,
  maxAttempts = 8,
): Promise<{ events: E[]; state: S; position?: number }> {
  for (let attempt = 1; ; attempt++) {
    const read = await store.readStream(streamId);
    const state = foldEvents(decider.evolve, decider.initialState(), read.events as unknown as E[]);
    const events = decider.decide(command, state, context());
    if (events.length === 0) return { events, state };
    try {
      const result = await store.appendToStream(
        streamId,
        events.map((e) => ({ type: e.type, data: e.data, metadata })),
        { expectedVersion: read.currentVersion === 0 ? 'no_stream' : read.currentVersion },
      );
      return { events, state: events.reduce(decider.evolve, state), position: result.lastGlobalPosition };
    } catch (error) {
      if (error instanceof WrongExpectedVersionError && attempt < maxAttempts) continue;
      throw error;
    }
  }
}

export const contextAt = (data: DomainData, now: Date): DomainContext => createDomainContext(data, now);

import type { OrderCommand, OrderEvent, OrderState } from '@csp/domain';
import type { EventMetadata } from '@csp/event-store';
import type { Recorded } from '@csp/event-sourcing';

/**
 * What propagation needs from the rest of the service, kept structural so that its runtime depends on the
 * domain and the event-store port only (propagation-core.module wires command handling and the licensing port in).
 */
export interface OrderStreams {
  /** The order's events and folded state. */
  load(orderId: string): Promise<{ state: OrderState; events: Recorded<OrderEvent>[] }>;
  /** Decides and appends through the order decider with the expected version (retrying on conflicts). */
  execute(orderId: string, command: OrderCommand, metadata: Partial<EventMetadata>): Promise<{ events: OrderEvent[] }>;
}

/** The licensing port's revocation: idempotent. */
export interface KeyRevocation {
  revokeKeys(request: { orderId: string; lineItemNumbers: readonly number[] }): Promise<void>;
}

export interface PropagationClock {
  now(): Date;
}

/** The little propagation needs from a logger (pino and Nest loggers fit). */
export interface PropagationLogger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export const silentPropagationLogger: PropagationLogger = {
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

export const describeError = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** Events written by the worker say so: who, and which event caused them. */
export const WORKER_ACTOR = { userId: 'csp-orders:propagation-worker', upn: 'propagation-worker' } as const;

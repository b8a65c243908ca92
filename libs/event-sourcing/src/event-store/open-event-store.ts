import { STREAM_PREFIXES } from '@csp/domain';
import { createEventStore, type EventStoreHandle, type EventStoreLogger } from '@csp/event-store';

/** Where the events live, as the validated config says (DATABASE_URL, EVENTSTORE_URL, DATA_DIR). */
export interface EventStoreLocation {
  databaseUrl?: string;
  eventStoreUrl?: string;
  dataDir: string;
}

/**
 * Opens the event store every process of this service uses (api, worker, CLIs): the adapter the location
 * chooses, filtered to the stream registry's prefixes, so that no registered stream type is left out of the
 * KurrentDB adapter's $all reads and subscriptions.
 */
export const openEventStore = (location: EventStoreLocation, logger?: EventStoreLogger): Promise<EventStoreHandle> =>
  createEventStore({
    databaseUrl: location.databaseUrl,
    eventStoreUrl: location.eventStoreUrl,
    dataDir: location.dataDir,
    streamPrefixes: STREAM_PREFIXES,
    logger,
  });

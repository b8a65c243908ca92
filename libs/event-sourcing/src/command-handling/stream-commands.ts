import { Inject, Injectable } from '@nestjs/common';
import {
  createDomainContext,
  type CommandOfStream,
  type DomainContext,
  type DomainData,
  type EventOfStream,
  type StateOfStream,
  type StreamType,
} from '@csp/domain';
import { EVENT_STORE, type EventStore } from '@csp/event-store';
import { CLOCK, type Clock } from '../clock/clock.port';
import { DOMAIN_DATA } from '../domain-data/domain-data.provider';
import { commandMetadata } from './command-metadata';
import { type CommandHandlingEnv, handleStreamCommand, loadStream } from './handle-stream-command';
import type { LoadedStream, StreamCommandOptions, StreamCommandResult } from './stream-command.types';

/** The host of command handling: the store, decisions at the clock's now, events with the current request's metadata. */
export function commandHandlingEnv(store: EventStore, clock: Clock, data: DomainData): CommandHandlingEnv {
  return { store, context: () => createDomainContext(data, clock.now()), metadata: commandMetadata };
}

/**
 * Every command handler's one way to change a stream: `handle('order', orderId, command, options)`. Provided once
 * by the event-sourcing module; handlers bind their command to it and shape the response.
 */
@Injectable()
export class StreamCommands {
  private readonly env: CommandHandlingEnv;

  constructor(
    @Inject(EVENT_STORE) store: EventStore,
    @Inject(CLOCK) clock: Clock,
    @Inject(DOMAIN_DATA) data: DomainData,
  ) {
    this.env = commandHandlingEnv(store, clock, data);
  }

  /** Loads the stream, decides `command`, appends at the revision decided on, retries conflicts (bounded). */
  handle<T extends StreamType>(
    streamType: T,
    id: string,
    command: CommandOfStream<T>,
    options?: StreamCommandOptions<StateOfStream<T>>,
  ): Promise<StreamCommandResult<EventOfStream<T>, StateOfStream<T>>> {
    return handleStreamCommand(this.env, streamType, id, command, options);
  }

  /** The stream as it stands (for access checks and validation before a command). */
  load<T extends StreamType>(streamType: T, id: string): Promise<LoadedStream<StateOfStream<T>, EventOfStream<T>>> {
    return loadStream(this.env, streamType, id);
  }

  /** The domain data and the current instant commands are decided in. */
  context(): DomainContext {
    return this.env.context();
  }
}

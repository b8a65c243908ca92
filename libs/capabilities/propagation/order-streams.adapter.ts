import { Injectable } from '@nestjs/common';
import type { OrderCommand, OrderEvent, OrderState } from '@csp/domain';
import type { EventMetadata } from '@csp/event-store';
import type { OrderStreams } from './propagation.ports';
import { StreamCommands, type Recorded } from '@csp/event-sourcing';

/** Propagation writes to order streams the one way commands do: through the order decider, by StreamCommands. */
@Injectable()
export class CommandOrderStreams implements OrderStreams {
  constructor(private readonly streams: StreamCommands) {}

  async load(orderId: string): Promise<{ state: OrderState; events: Recorded<OrderEvent>[] }> {
    const { state, events } = await this.streams.load('order', orderId);
    return { state, events };
  }

  async execute(
    orderId: string,
    command: OrderCommand,
    metadata: Partial<EventMetadata>,
  ): Promise<{ events: OrderEvent[] }> {
    const result = await this.streams.handle('order', orderId, command, { metadata });
    return { events: result.events };
  }
}

import { Injectable } from '@nestjs/common';
import { orderDecider, type OrderCommand, type OrderEvent, type OrderState } from '@csp/domain';
import type { EventMetadata, RecordedEvent } from '@csp/event-store';
import type { OrderStreams } from './propagation.ports';
import { orderStreamId } from '@csp/capabilities/orders';
import { StreamCommandExecutor } from '@csp/event-sourcing';

/** Propagation writes to order streams the one way commands do: through the decider and the executor. */
@Injectable()
export class ExecutorOrderStreams implements OrderStreams {
  constructor(private readonly executor: StreamCommandExecutor) {}

  async load(orderId: string): Promise<{ state: OrderState; events: RecordedEvent[] }> {
    const { state, events } = await this.executor.load(orderStreamId(orderId), orderDecider);
    return { state, events };
  }

  async execute(
    orderId: string,
    command: OrderCommand,
    metadata: Partial<EventMetadata>,
  ): Promise<{ events: OrderEvent[] }> {
    const result = await this.executor.execute(orderStreamId(orderId), orderDecider, command, { metadata });
    return { events: result.events as OrderEvent[] };
  }
}

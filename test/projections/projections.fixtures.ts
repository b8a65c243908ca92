/** Shared helpers of the read-model suites: domain-made events, direct apply, table dumps. */
import { randomUUID } from 'node:crypto';
import {
  decideCustomer,
  initialCustomerState,
  type CancelOrder,
  type CustomerRegistered,
  type MarkCancellationPropagated,
  type OrderEvent,
  streamIdOf,
} from '@csp/domain';
import type { DomainEvent, RecordedEvent } from '@csp/event-store';
import { ADMIN_AGENT, ctxAt, history, placeOrder } from '@csp/domain/testing/fixtures';
import type { Projection } from '@csp/event-sourcing';
import type { Pool } from 'pg';

export { DAY, OFFERS, T0, at } from '@csp/domain/testing/fixtures';

export const PARTNER_A = 'aaaaaaaa-0000-4000-8000-000000000001';
export const PARTNER_B = 'bbbbbbbb-0000-4000-8000-000000000002';

/** CustomerRegistered as the domain decides it. */
export const registerCustomer = (
  customerId: string,
  partnerTenantId: string,
  companyName: string,
  country: string,
  now: Date,
): CustomerRegistered =>
  decideCustomer(
    {
      type: 'RegisterCustomer',
      data: {
        customerId,
        partnerTenantId,
        companyName,
        domain: `${companyName.toLowerCase().replace(/\W+/g, '')}.onmicrosoft.com`,
        country,
      },
    },
    initialCustomerState(),
    ctxAt(now),
  )[0] as CustomerRegistered;

export const cancelOrder = (lineItemNumbers?: number[]): CancelOrder => ({
  type: 'CancelOrder',
  data: { lineItemNumbers, acknowledgedNotice: true, requestedBy: ADMIN_AGENT },
});

export const markPropagated: MarkCancellationPropagated = { type: 'MarkCancellationPropagated', data: {} };

/** An order's history for a customer, decided by the real order decider (placement first). */
export const orderHistory = (
  orderId: string,
  customerId: string,
  country: string,
  lines: [offerId: string, quantity: number][],
  placedAt: Date,
  later: [CancelOrder | MarkCancellationPropagated, Date][] = [],
): OrderEvent[] => {
  const place = placeOrder(country, lines, orderId);
  place.data.customer = { ...place.data.customer, customerId };
  return history([[place, placedAt], ...later]);
};

/** Wraps domain events as recorded ones, positions from `start` on (for feeding apply() directly). */
export const recorded = (events: DomainEvent[], start = 1, streamOf = streamOfEvent): RecordedEvent[] => {
  const versions = new Map<string, number>();
  return events.map((event, i) => {
    const streamId = streamOf(event);
    const streamPosition = (versions.get(streamId) ?? 0) + 1;
    versions.set(streamId, streamPosition);
    return {
      eventId: randomUUID(),
      streamId,
      streamPosition,
      globalPosition: start + i,
      type: event.type,
      data: event.data,
      metadata: {},
      recordedAt: new Date(),
    };
  });
};

/** The stream a fixture event belongs to: its order's, else its customer's. */
export function streamOfEvent(event: DomainEvent): string {
  const d = event.data as { orderId?: string; customerId?: string };
  return d.orderId ? streamIdOf('order', d.orderId) : streamIdOf('customer', String(d.customerId));
}

/** What the runner does per batch, minus the checkpoint: apply in one transaction. */
export async function applyInTransaction(pool: Pool, projection: Projection, events: RecordedEvent[]): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await projection.apply(
      client,
      events.filter((e) => projection.eventTypes.includes(e.type)),
    );
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  } finally {
    client.release();
  }
}

export async function migrate(pool: Pool, projection: Projection): Promise<void> {
  const client = await pool.connect();
  try {
    await projection.migrate(client);
  } finally {
    client.release();
  }
}

/** Every row of a table, in a stable order, as JSON text (for equality across replays). */
export async function dumpTable(pool: Pool, table: string): Promise<unknown[]> {
  const result = await pool.query(`SELECT to_jsonb(t) AS row FROM ${table} t ORDER BY 1`);
  return result.rows.map((r: { row: unknown }) => r.row);
}

export async function waitUntil(
  condition: () => Promise<boolean> | boolean,
  timeoutMs = 10_000,
  stepMs = 50,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, stepMs));
  }
}

import { randomUUID } from 'node:crypto';
import type { Client } from 'pg';

export interface TemplateEvent {
  streamId: string;
  type: string;
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
}

/** Events the service itself wrote, to clone: the bench then appends exactly the shapes the projections expect. */
export async function templateEvents(client: Client, where: string, params: unknown[] = []): Promise<TemplateEvent[]> {
  const rows = await client.query<{
    stream_id: string;
    type: string;
    data: Record<string, unknown>;
    metadata: Record<string, unknown>;
  }>(`SELECT stream_id, type, data, metadata FROM es_events WHERE ${where} ORDER BY global_position`, params);
  return rows.rows.map((r) => ({ streamId: r.stream_id, type: r.type, data: r.data, metadata: r.metadata }));
}

/** A copy of an event with every occurrence of the given strings (ids, domains) replaced. */
export function cloneEvent(event: TemplateEvent, replace: Record<string, string>): TemplateEvent {
  let text = JSON.stringify(event);
  for (const [from, to] of Object.entries(replace)) text = text.split(from).join(to);
  const copy = JSON.parse(text) as TemplateEvent;
  copy.metadata = { ...copy.metadata, requestId: randomUUID(), correlationId: randomUUID() };
  return copy;
}

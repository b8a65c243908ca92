import { streamIdOf } from '@csp/domain';
import type { Pool } from 'pg';
import { DATABASE_POOL, QueueBackend } from '@csp/event-sourcing';
import { KMS_WARNINGS_QUEUE } from '@csp/capabilities/kms-migration';
import type { Caller, TestApp, TestResponse } from '../support/app';
import { sleep, streamEvents } from '../e2e/e2e-helpers';

export const DAY = 86_400_000;
/** The suites' "now": statuses are computed with this clock, moved with t.clock. */
export const BASE = '2024-06-01T00:00:00.000Z';
export const daysBefore = (days: number, from = BASE): string => new Date(Date.parse(from) - days * DAY).toISOString();

export const plansPath = (customerId: string): string => `/v1/customers/${customerId}/kmsmigration`;
export const groupsPath = (customerId: string): string => `${plansPath(customerId)}/devicegroups`;

export const customerAdmin = (customerId: string): Caller => ({
  tenantId: customerId,
  roles: ['GlobalAdmin'],
  userId: `ga-${customerId.slice(0, 8)}`,
  upn: 'admin@customer.example',
});

export async function registerGroup(
  t: TestApp,
  as: Caller,
  customerId: string,
  body: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<TestResponse> {
  return t.request('POST', groupsPath(customerId), { as, body, headers });
}

export async function registerGroupOk(
  t: TestApp,
  as: Caller,
  customerId: string,
  body: Record<string, unknown>,
): Promise<{ id: string; position: number; body: TestResponse['body'] }> {
  const res = await registerGroup(t, as, customerId, body);
  if (res.status !== 201) throw new Error(`register group: ${res.status} ${res.text}`);
  return { id: res.body.id, position: Number(res.headers.get('x-event-position')), body: res.body };
}

export const importCsv = (
  t: TestApp,
  as: Caller,
  customerId: string,
  csv: string,
  headers: Record<string, string> = {},
) =>
  t.request('POST', `${groupsPath(customerId)}/import`, {
    as,
    rawBody: csv,
    headers: { 'content-type': 'text/csv', ...headers },
  });

export const planEvents = (t: TestApp, customerId: string) => streamEvents(t, streamIdOf('kmsMigration', customerId));

/** Waits until the kms-device-groups read model (which the sweep reads) has applied `position`. */
export async function waitForReadModel(t: TestApp, position: number, timeoutMs = 5000): Promise<void> {
  const pool = t.app.get<Pool>(DATABASE_POOL);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await pool.query<{ position: string }>(
      `SELECT position FROM read_model_checkpoints WHERE projection = 'kms-device-groups'`,
    );
    if (Number(r.rows[0]?.position ?? 0) >= position) return;
    if (Date.now() > deadline) throw new Error(`kms-device-groups did not reach ${position}`);
    await sleep(25);
  }
}

/** Our Redis keeps queues across runs: drop this database's warnings queue (jobs, scheduler) before closing. */
export async function dropWarningsQueue(t: TestApp): Promise<void> {
  const queue = t.app.get(QueueBackend).queue(t.app.get<string>(KMS_WARNINGS_QUEUE));
  await queue.obliterate({ force: true }).catch(() => undefined);
}

import { ControllableClock, QueueBackend } from '@csp/event-sourcing';
import {
  KMS_WARNINGS_QUEUE,
  kmsWarningJobId,
  KmsRenewalSweep,
  KmsRenewalWarningsWorker,
} from '@csp/capabilities/kms-migration';
import { RENEWAL_WARNING_KINDS, RenewalWarningKind } from '@csp/domain';
import { Caller, startTestApp, TestApp } from '../support/app';
import { adminAgent, registerCustomer, sleep } from '../e2e/e2e-helpers';
import {
  BASE,
  DAY,
  daysBefore,
  dropWarningsQueue,
  groupsPath,
  planEvents,
  registerGroupOk,
  waitForReadModel,
} from './kms-migration-helpers';

const WARNINGS = ['KmsRenewalDueSoonWarned', 'KmsRenewalOverdueWarned'];

describe('KMS renewal warnings (BullMQ delayed jobs and the reconciling sweep)', () => {
  let t: TestApp;
  let partner: Caller;
  let sweep: KmsRenewalSweep;
  let worker: KmsRenewalWarningsWorker;

  beforeAll(async () => {
    t = await startTestApp({ clock: new ControllableClock(BASE) });
    partner = adminAgent();
    sweep = t.app.get(KmsRenewalSweep);
    worker = t.app.get(KmsRenewalWarningsWorker);
  });
  afterAll(async () => {
    if (t) await dropWarningsQueue(t);
    await t?.close();
  });

  /** Runs a warning job's processor directly, as BullMQ would on a (re)delivery. */
  const runJob = (customerId: string, groupId: string, kind: RenewalWarningKind) =>
    worker.process({ name: 'warn', id: kmsWarningJobId(groupId, kind), data: { customerId, groupId, kind } });

  /** The warnings recorded per group name, in order. */
  const warnings = async (customerId: string): Promise<Record<string, string[]>> => {
    const out: Record<string, string[]> = {};
    for (const e of await planEvents(t, customerId)) {
      if (!WARNINGS.includes(e.type)) continue;
      const name = e.data.name as string;
      (out[name] ??= []).push(e.type);
    }
    return out;
  };

  it('a group already in its window: the delayed job (delay 0) fires once; re-running it appends nothing', async () => {
    t.clock.set(BASE);
    const customerId = (await registerCustomer(t, partner, 'PL')).id;
    const { id } = await registerGroupOk(t, partner, customerId, {
      name: 'In window',
      deviceCount: 40,
      lastKmsActivationAt: daysBefore(151),
    });
    const queue = t.app.get(QueueBackend).queue(t.app.get<string>(KMS_WARNINGS_QUEUE));
    const overdueJob = await queue.getJob(kmsWarningJobId(id, 'overdue'));
    // The overdue job waits for the deadline, 29 days away on the injected clock.
    expect(overdueJob?.opts.delay).toBe(29 * DAY);
    for (let i = 0; i < 200 && !(await warnings(customerId))['In window']; i++) await sleep(25);
    expect(await warnings(customerId)).toEqual({ 'In window': ['KmsRenewalDueSoonWarned'] });
    const events = await planEvents(t, customerId);
    const warned = events.find((e) => e.type === 'KmsRenewalDueSoonWarned')!;
    expect(warned.data).toMatchObject({ groupId: id, daysToDeadline: 29, warnedAt: BASE, policyVersion: '2024-01' });
    expect(warned.metadata).toMatchObject({ userId: 'system:kms-renewal-warnings' });
    expect(warned.metadata.causationId).toBe(`job:${kmsWarningJobId(id, 'dueSoon')}`);

    // The same job again (a redelivery) and an early overdue job: nothing new.
    expect(await runJob(customerId, id, 'dueSoon')).toEqual({ appended: false });
    expect(await runJob(customerId, id, 'overdue')).toEqual({ appended: false });
    // At the deadline the overdue job appends, once.
    t.clock.set(new Date(Date.parse(BASE) + 29 * DAY));
    expect(await runJob(customerId, id, 'overdue')).toEqual({ appended: true });
    expect(await runJob(customerId, id, 'overdue')).toEqual({ appended: false });
    expect(await warnings(customerId)).toEqual({ 'In window': ['KmsRenewalDueSoonWarned', 'KmsRenewalOverdueWarned'] });
  });

  it('the sweep appends what is due at the injected clock, once each, and nothing for a migrated group', async () => {
    t.clock.set(BASE);
    const customerId = (await registerCustomer(t, partner, 'PL')).id;
    await registerGroupOk(t, partner, customerId, { name: 'A', deviceCount: 1, lastKmsActivationAt: daysBefore(100) });
    await registerGroupOk(t, partner, customerId, { name: 'B', deviceCount: 2, lastKmsActivationAt: daysBefore(140) });
    const c = await registerGroupOk(t, partner, customerId, {
      name: 'C',
      deviceCount: 3,
      lastKmsActivationAt: daysBefore(100),
    });
    const deployed = await t.request('POST', `${groupsPath(customerId)}/${c.id}/makdeployments`, {
      as: partner,
      body: { method: 'manual' },
    });
    expect(deployed.status).toBe(201);
    await waitForReadModel(t, Number(deployed.headers.get('x-event-position')));

    // Day 100 / 140: nothing is due.
    await sweep.run();
    expect(await warnings(customerId)).toEqual({});

    // 50 days on: A is on day 150 (dueSoon), B on day 190 (overdue, never a late dueSoon), C migrated.
    t.clock.advance({ days: 50 });
    await sweep.run();
    await sweep.run();
    expect(await warnings(customerId)).toEqual({ A: ['KmsRenewalDueSoonWarned'], B: ['KmsRenewalOverdueWarned'] });

    // 30 more days: A reaches its deadline (day 180).
    t.clock.advance({ days: 30 });
    const events = await planEvents(t, customerId);
    await waitForReadModel(t, events[events.length - 1].globalPosition);
    await sweep.run();
    await sweep.run();
    expect(await warnings(customerId)).toEqual({
      A: ['KmsRenewalDueSoonWarned', 'KmsRenewalOverdueWarned'],
      B: ['KmsRenewalOverdueWarned'],
    });

    // The migrated group's jobs do nothing either.
    for (const kind of RENEWAL_WARNING_KINDS) expect(await runJob(customerId, c.id, kind)).toEqual({ appended: false });
    expect((await warnings(customerId)).C).toBeUndefined();

    // The plan shows the statuses and when each warning was recorded.
    const plan = await t.request('GET', `/v1/customers/${customerId}/kmsmigration`, { as: partner });
    expect(plan.body.groups.map((g: { name: string; status: string }) => [g.name, g.status])).toEqual([
      ['A', 'overdue'],
      ['B', 'overdue'],
      ['C', 'migrated'],
    ]);
    expect(plan.body.groups[0].warnings).toEqual({
      dueSoonAt: new Date(Date.parse(BASE) + 50 * DAY).toISOString(),
      overdueAt: new Date(Date.parse(BASE) + 80 * DAY).toISOString(),
    });
  });
});

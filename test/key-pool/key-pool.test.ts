import { randomUUID } from 'node:crypto';
import { streamIdOf } from '@csp/domain';
import { startTestApp, type TestApp } from '../support/app';
import { randomMak } from '../support/product-keys';
import {
  adminAgent,
  cancelBody,
  eventStore,
  expectProblem,
  OFFERS,
  orderPath,
  placeOrderOk,
  readAllEvents,
  registerCustomer,
  sleep,
  softwareIdOf,
} from '../e2e/e2e-helpers';

// Pool mode end to end over real HTTP. Keys never reach the output: only sets, counts and booleans are asserted.
const KEY_PATTERN = /[A-Z0-9]{5}(-[A-Z0-9]{5}){4}/;

describe('key pool over HTTP (LICENSING_ADAPTER=pool)', () => {
  let t: TestApp;
  const agent = adminAgent();
  const auditor = { tenantId: agent.tenantId, roles: ['Auditor'], userId: 'auditor' };
  const imported: string[] = [];
  let customerId: string;

  const importKeys = (keys: { offerId: string; version: string; productKey: string }[], headers = {}) => {
    imported.push(...keys.map((k) => k.productKey));
    return t.request('POST', '/v1/keypool/imports', { as: agent, body: { keys }, headers });
  };
  const keysOf = (n: number, offerId: string, version: string) =>
    Array.from({ length: n }, () => ({ offerId, version, productKey: randomMak() }));
  const stockOf = async (offerId: string, version: string) => {
    const res = await t.request('GET', '/v1/keypool/stock', { as: auditor });
    expect(res.status).toBe(200);
    return (res.body.items as Array<Record<string, unknown>>).find(
      (i) => i.offerId === offerId && i.version === version,
    );
  };
  const reveal = (orderId: string, line: number, version = '2022') =>
    t.request('POST', `/v1/customers/${customerId}/software/${softwareIdOf(orderId, line)}/key`, {
      as: agent,
      body: { version },
    });

  beforeAll(async () => {
    t = await startTestApp({ env: { LICENSING_ADAPTER: 'pool' } });
    customerId = (await registerCustomer(t, agent, 'PL')).id;
  });
  afterAll(async () => {
    if (t) {
      // Nothing the service stored or published names an imported key: events (all of them) and the metrics.
      const events = JSON.stringify(await readAllEvents(t));
      const metrics = (await t.request('GET', '/metrics')).text;
      expect(imported.filter((k) => events.includes(k) || metrics.includes(k))).toEqual([]);
    }
    await t?.close();
  });

  it('imports JSON and CSV all or nothing: counts and fingerprints in KeysImported, never a key', async () => {
    const keys = keysOf(3, OFFERS.perpetual, '2022');
    const res = await importKeys(keys);
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      importId: expect.any(String),
      imported: 3,
      byOffer: [{ offerId: OFFERS.perpetual, version: '2022', count: 3 }],
    });
    const stream = await eventStore(t).readStream(streamIdOf('keyImport', res.body.importId));
    expect(stream.events.map((e) => e.type)).toEqual(['KeysImported']);
    expect(stream.events[0]!.data).toMatchObject({
      count: 3,
      partnerTenantId: agent.tenantId,
      fingerprints: expect.any(Array),
    });
    expect((stream.events[0]!.data.fingerprints as string[]).every((f) => /^[0-9a-f]{64}$/.test(f))).toBe(true);
    expect(JSON.stringify(stream.events)).not.toMatch(KEY_PATTERN);

    const csvKeys = keysOf(2, OFFERS.perpetual, '2019');
    imported.push(...csvKeys.map((k) => k.productKey));
    const csv = `offerId,version,productKey\n${csvKeys.map((k) => `${k.offerId},${k.version},${k.productKey.toLowerCase()}`).join('\n')}\n`;
    const fromCsv = await t.request('POST', '/v1/keypool/imports', {
      as: agent,
      rawBody: csv,
      headers: { 'content-type': 'text/csv' },
    });
    expect(fromCsv.status).toBe(201);
    expect(fromCsv.body.byOffer).toEqual([{ offerId: OFFERS.perpetual, version: '2019', count: 2 }]);
    expect(await stockOf(OFFERS.perpetual, '2019')).toMatchObject({
      available: 2,
      assigned: 0,
      revoked: 0,
      lowWatermark: 10,
      low: true,
    });
  });

  it('refuses a file with bad rows, naming each with its row number and a masked key, and imports nothing', async () => {
    const before = await stockOf(OFFERS.perpetual, '2022');
    const good = keysOf(2, OFFERS.perpetual, '2022');
    const already = { offerId: OFFERS.perpetual, version: '2022', productKey: imported[0]! };
    const res = await importKeys([
      good[0]!,
      { offerId: 'NOPE0000NOPE:0001:NOPE0000NOPE', version: '2022', productKey: randomMak() },
      { ...good[1]!, version: '1999' },
      { offerId: OFFERS.perpetual, version: '2022', productKey: 'AEIOU-AEIOU-AEIOU-AEIOU-AEIOU' },
      good[0]!,
      already,
    ]);
    expectProblem(res, 400, 'invalid_keys');
    expect(res.body.rows.map((r: { row: number; code: string }) => [r.row, r.code])).toEqual([
      [2, 'unknown_offer'],
      [3, 'unknown_version'],
      [4, 'malformed_key'],
      [5, 'duplicate_key'],
      [6, 'key_already_in_pool'],
    ]);
    expect(res.body.rows[3].masked).toBe(`XXXXX-…-${good[0]!.productKey.slice(-5)}`);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain('keys[3].productKey');
    expect(res.text).not.toMatch(KEY_PATTERN);
    expect(await stockOf(OFFERS.perpetual, '2022')).toEqual(before);
  });

  it('is idempotent by MS-RequestId: the retry answers the first import and imports nothing twice', async () => {
    const requestId = randomUUID();
    const keys = keysOf(2, OFFERS.sqlPerpetual, '2022');
    const first = await importKeys(keys, { 'MS-RequestId': requestId });
    const retry = await importKeys(keys, { 'MS-RequestId': requestId });
    expect(first.status).toBe(201);
    expect(retry.status).toBe(201);
    expect(retry.body.importId).toBe(first.body.importId);
    expect(await stockOf(OFFERS.sqlPerpetual, '2022')).toMatchObject({ available: 2 });
  });

  it('reveals from the pool: KeyAssigned once, the same key on every reveal, each reveal recorded', async () => {
    const order = await placeOrderOk(t, agent, customerId, [{ offerId: OFFERS.perpetual, quantity: 3 }]);
    const first = await reveal(order.id, 0);
    const second = await reveal(order.id, 0);
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(first.body.productKey === second.body.productKey).toBe(true);
    expect(imported.includes(first.body.productKey)).toBe(true);
    const orderEvents = await eventStore(t).readStream(streamIdOf('order', order.id));
    expect(orderEvents.events.filter((e) => e.type === 'KeyRevealed')).toHaveLength(2);
    const assigned = (await readAllEvents(t)).filter((e) => e.type === 'KeyAssigned' && e.data.orderId === order.id);
    expect(assigned).toHaveLength(1);
    expect(assigned[0]!.data).toMatchObject({
      lineItemNumber: 0,
      version: '2022',
      activations: 3,
      keyFingerprint: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(await stockOf(OFFERS.perpetual, '2022')).toMatchObject({ available: 2, assigned: 1 });
  });

  it('gives 50 parallel first reveals on 50 lines with a pool of 40: 40 distinct keys and 10 clean 409 key_pool_exhausted', async () => {
    const version = '2017';
    const importRes = await importKeys(keysOf(40, OFFERS.sqlPerpetual, version));
    expect(importRes.status).toBe(201);
    const orders = [];
    for (let i = 0; i < 25; i++)
      orders.push(
        await placeOrderOk(t, agent, customerId, [{ offerId: OFFERS.sqlPerpetual }, { offerId: OFFERS.sqlPerpetual }]),
      );
    const results = await Promise.all(orders.flatMap((o) => [reveal(o.id, 0, version), reveal(o.id, 1, version)]));
    const served = results.filter((r) => r.status === 200).map((r) => r.body.productKey as string);
    const refused = results.filter((r) => r.status !== 200);
    expect(served).toHaveLength(40);
    expect(new Set(served).size).toBe(40);
    expect(refused).toHaveLength(10);
    for (const r of refused) {
      expectProblem(r, 409, 'key_pool_exhausted');
      expect(r.body).toMatchObject({ offerId: OFFERS.sqlPerpetual, version });
    }
    expect(await stockOf(OFFERS.sqlPerpetual, version)).toMatchObject({ available: 0, assigned: 40, low: true });
    const metrics = (await t.request('GET', '/metrics')).text;
    expect(metrics).toContain(`csp_keypool_low{offer="${OFFERS.sqlPerpetual}",version="${version}"} 1`);
    expect(metrics).toMatch(
      new RegExp(`csp_keypool_exhausted_total\\{offer="${OFFERS.sqlPerpetual}",version="${version}"\\} (\\d+)`),
    );
  });

  it('tunes the low watermark (an event, idempotent) and reports low stock', async () => {
    const path = `/v1/keypool/stock/${OFFERS.perpetual}/2019/lowwatermark`;
    const res = await t.request('PUT', path, { as: agent, body: { lowWatermark: 1 } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      offerId: OFFERS.perpetual,
      version: '2019',
      available: 2,
      lowWatermark: 1,
      low: false,
    });
    const bad = await t.request('PUT', path, { as: agent, body: { lowWatermark: -1 } });
    expectProblem(bad, 400);
    expect((await t.request('PUT', path, { as: auditor, body: { lowWatermark: 3 } })).status).toBe(403);
    const settings = await eventStore(t).readStream(streamIdOf('keyPool', agent.tenantId));
    expect(settings.events.map((e) => [e.type, e.data.lowWatermark])).toEqual([['KeyPoolLowWatermarkSet', 1]]);
    const metrics = (await t.request('GET', '/metrics')).text;
    expect(metrics).toContain(`csp_keypool_low{offer="${OFFERS.perpetual}",version="2019"} 0`);
  });

  it('burns the key of a cancelled line (KeyAssignmentRevoked, never back to stock); a later reveal is 410 revoked', async () => {
    const order = await placeOrderOk(t, agent, customerId, [{ offerId: OFFERS.perpetual }]);
    expect((await reveal(order.id, 0, '2019')).status).toBe(200);
    const cancel = await t.request('PATCH', orderPath(customerId, order.id), { as: agent, body: cancelBody() });
    expect(cancel.status).toBe(200);
    expectProblem(await reveal(order.id, 0, '2019'), 410, 'revoked');
    let revokedEvents: unknown[] = [];
    for (let i = 0; i < 100 && revokedEvents.length === 0; i++) {
      await sleep(200);
      revokedEvents = (await readAllEvents(t)).filter(
        (e) => e.type === 'KeyAssignmentRevoked' && e.data.orderId === order.id,
      );
    }
    expect(revokedEvents).toHaveLength(1);
    expect(await stockOf(OFFERS.perpetual, '2019')).toMatchObject({ available: 1, assigned: 0, revoked: 1 });
  });

  it('fails closed on a tampered record: 503 key_unavailable, no KeyRevealed, the record quarantined', async () => {
    const version = '2016';
    await importKeys(keysOf(1, OFFERS.perpetual, version));
    const { Client } = await import('pg');
    const c = new Client({ connectionString: t.db.url });
    await c.connect();
    try {
      await c.query(
        'UPDATE key_pool_keys SET ciphertext = set_byte(ciphertext, 14, get_byte(ciphertext, 14) # 1) WHERE offer_id = $1 AND version = $2',
        [OFFERS.perpetual, version],
      );
    } finally {
      await c.end();
    }
    const order = await placeOrderOk(t, agent, customerId, [{ offerId: OFFERS.perpetual }]);
    const res = await reveal(order.id, 0, version);
    expectProblem(res, 503, 'key_unavailable');
    const orderEvents = await eventStore(t).readStream(streamIdOf('order', order.id));
    expect(orderEvents.events.filter((e) => e.type === 'KeyRevealed')).toHaveLength(0);
    expect(await stockOf(OFFERS.perpetual, version)).toMatchObject({ available: 0, assigned: 0, quarantined: 1 });
  });
});

import { randomUUID } from 'node:crypto';
import { streamIdOf } from '@csp/domain';
import { StreamCommands } from '@csp/event-sourcing';
import { Caller, startTestApp, TestApp } from '../support/app';
import { adminAgent, Json, OFFERS, placeOrderOk, registerCustomer, softwareIdOf, streamEvents } from './e2e-helpers';

/**
 * The anonymous download route is a system-of-record path: every served download is one SoftwareDownloaded
 * and one activity record, whatever MS-RequestId it carries, and maxDownloads holds under concurrency.
 */
describe('GET /v1/downloads/{token}: every download recorded, maxDownloads exact', () => {
  const MAX = 5;
  let t: TestApp;
  let partner: Caller;
  let customerId: string;

  beforeAll(async () => {
    t = await startTestApp({ env: { DOWNLOAD_LINK_MAX_DOWNLOADS: String(MAX) } });
    partner = adminAgent();
    customerId = (await registerCustomer(t, partner, 'PL')).id;
  });
  afterAll(async () => {
    await t?.close();
  });

  const newLink = async (): Promise<{ orderId: string; path: string }> => {
    const order = await placeOrderOk(t, partner, customerId, [{ offerId: OFFERS.perpetual }]);
    const link = await t.request(
      'POST',
      `/v1/customers/${customerId}/software/${softwareIdOf(order.id, 0)}/downloadlinks`,
      {
        as: partner,
        body: { version: '2022', language: 'en-US', bitness: 'x64' },
      },
    );
    expect(link.status).toBe(201);
    expect(link.body.maxDownloads).toBe(MAX);
    return { orderId: order.id, path: new URL(link.body.uri).pathname };
  };
  /** Anonymous, as a browser or curl would fetch it; the body is read in full. */
  const download = async (path: string, headers: Record<string, string> = {}) => {
    const res = await fetch(`${t.baseUrl}${path}`, { headers, redirect: 'manual' });
    const bytes = Buffer.from(await res.arrayBuffer());
    const body: Json = /json/.test(res.headers.get('content-type') ?? '') ? JSON.parse(bytes.toString()) : undefined;
    return { status: res.status, position: Number(res.headers.get('x-event-position') || 0), body };
  };
  const downloadedEvents = async (orderId: string) =>
    (await streamEvents(t, streamIdOf('order', orderId))).filter((e) => e.type === 'SoftwareDownloaded');
  const activity = async (orderId: string, minPosition: number): Promise<Json[]> => {
    const res = await t.request(
      'GET',
      `/v1/auditrecords?minPosition=${minPosition}&customerId=${customerId}&operationType=download_software&size=100`,
      { as: { tenantId: partner.tenantId, roles: ['Auditor'] } },
    );
    expect(res.status).toBe(200);
    return (res.body.items as Json[]).filter((r) =>
      r.customizedData.some((kv: Json) => kv.key === 'OrderId' && kv.value === orderId),
    );
  };

  it('a constant MS-RequestId neither skips the record nor the count', async () => {
    const { orderId, path } = await newLink();
    const requestId = randomUUID();
    const results = [];
    for (let i = 0; i < MAX + 2; i++) results.push(await download(path, { 'MS-RequestId': requestId }));
    expect(results.map((r) => r.status)).toEqual([...Array(MAX).fill(200), 410, 410]);
    expect(results.slice(MAX).map((r) => r.body.code)).toEqual(['link_used_up', 'link_used_up']);

    const events = await downloadedEvents(orderId);
    expect(events.map((e) => e.data.downloadNumber)).toEqual([1, 2, 3, 4, 5]);
    expect(new Set(events.map((e) => e.eventId)).size).toBe(MAX);
    // still tied to the request that served it
    expect(events.map((e) => e.metadata.requestId)).toEqual(Array(MAX).fill(requestId));
    const positions = results.slice(0, MAX).map((r) => r.position);
    expect(positions).toEqual(events.map((e) => e.globalPosition));
    const records = await activity(orderId, Math.max(...positions));
    expect(records).toHaveLength(MAX);
  });

  it(`${MAX + 10} parallel downloads of a ${MAX}-use link: exactly ${MAX} served and recorded, the rest 410`, async () => {
    const { orderId, path } = await newLink();
    // half of them share one request id, the other half send none: neither may matter
    const shared = randomUUID();
    const results = await Promise.all(
      Array.from({ length: MAX + 10 }, (_, i) => download(path, i % 2 ? { 'MS-RequestId': shared } : {})),
    );
    // on failure, show what the others got
    const outcomes = results.map((r) => (r.status === 200 ? '200' : `${r.status} ${r.body?.code}`));
    expect(outcomes.filter((o) => o === '200')).toHaveLength(MAX);
    expect(outcomes.filter((o) => o !== '200')).toEqual(Array(10).fill('410 link_used_up'));

    const events = await downloadedEvents(orderId);
    expect(events.map((e) => e.data.downloadNumber)).toEqual([1, 2, 3, 4, 5]);
    expect(
      results
        .filter((r) => r.status === 200)
        .map((r) => r.position)
        .sort((a, b) => a - b),
    ).toEqual(events.map((e) => e.globalPosition));
    const records = await activity(orderId, Math.max(...events.map((e) => e.globalPosition)));
    expect(records).toHaveLength(MAX);
    // a later try is refused and writes nothing
    const before = (await streamEvents(t, streamIdOf('order', orderId))).length;
    expect((await download(path)).status).toBe(410);
    expect((await streamEvents(t, streamIdOf('order', orderId))).length).toBe(before);
  });

  it('a record retried with the same download id (a conflict retry, a lost response) appends nothing twice', async () => {
    const { orderId, path } = await newLink();
    expect((await download(path)).status).toBe(200);
    const linkId = (await streamEvents(t, streamIdOf('order', orderId))).find((e) => e.type === 'DownloadLinkIssued')!
      .data.linkId as string;
    const streams = t.app.get(StreamCommands, { strict: false });
    const commandId = randomUUID();
    const record = () =>
      streams.handle(
        'order',
        orderId,
        { type: 'RecordDownload', data: { linkId, sha256: 'c'.repeat(64), bytes: 3 } },
        { commandId },
      );
    const first = await record();
    const again = await record();
    expect(again.replayed).toBe(true);
    expect(again.position).toBe(first.position);
    expect((await downloadedEvents(orderId)).map((e) => e.data.downloadNumber)).toEqual([1, 2]);
  });

  it('an expired link is refused (410) and writes nothing, with or without a request id', async () => {
    const { orderId, path } = await newLink();
    const requestId = randomUUID();
    expect((await download(path, { 'MS-RequestId': requestId })).status).toBe(200);
    const before = await streamEvents(t, streamIdOf('order', orderId));
    t.clock.advance({ days: 15 });
    try {
      for (const headers of [{ 'MS-RequestId': requestId }, { 'MS-RequestId': randomUUID() }, {}] as Record<
        string,
        string
      >[]) {
        const res = await download(path, headers);
        expect(res.status).toBe(410);
        expect(res.body.code).toBe('link_expired');
      }
    } finally {
      t.clock.advance({ days: -15 });
    }
    expect((await streamEvents(t, streamIdOf('order', orderId))).map((e) => e.eventId)).toEqual(
      before.map((e) => e.eventId),
    );
  });
});

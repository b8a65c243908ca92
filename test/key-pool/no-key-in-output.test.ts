import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { signLocalToken } from '@csp/platform';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { randomMak, testKek } from '../support/product-keys';
import { ROOT, sourceEntryArgs } from '../support/source-process';

// The service as `npm start` runs it, logging at debug, in pool mode: everything it prints, every problem it
// answers, its metrics and its event history are searched for the keys it was given. Only counts are asserted.
const SECRET = 'no-key-in-output-secret-0123456789abcdefghijklmnop';
const OFFER = 'DG7GMGF0D7FV:0001:DG7GMGF0D7FW';

const freePort = (): Promise<number> =>
  new Promise((ok, fail) => {
    const s = createServer();
    s.on('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => (typeof a === 'object' && a ? ok(a.port) : fail(new Error('no port'))));
    });
  });

describe('no product key in logs, events, errors or metrics (pool mode, LOG_LEVEL=debug)', () => {
  let db: TestDatabase;
  let child: ChildProcess;
  let exited: Promise<void>;
  let output = '';
  let base = '';
  const dataDir = mkdtempSync(join(tmpdir(), 'csp-leak-'));
  const partner = randomUUID();
  const keys = Array.from({ length: 6 }, () => randomMak());
  const published: string[] = [];

  const token = (roles: string[]) =>
    signLocalToken({ sub: 'leak-test', upn: 'leak@test.example', tid: partner, roles }, { secret: SECRET, ttl: '1h' });
  const http = async (method: string, path: string, body?: unknown, roles = ['AdminAgent'], keep = true) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${await token(roles)}`,
        ...(body ? { 'content-type': 'application/json' } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    if (keep) published.push(text);
    return {
      status: res.status,
      text,
      body: /json/.test(res.headers.get('content-type') ?? '') ? JSON.parse(text) : undefined,
    };
  };

  beforeAll(async () => {
    db = await createTestDatabase('csp_leak');
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    child = spawn(process.execPath, sourceEntryArgs('apps/api/src/main.ts'), {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        NODE_ENV: 'test',
        DATABASE_URL: db.url,
        REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
        AUTH_JWT_SECRET: SECRET,
        KEY_DERIVATION_SECRET: SECRET,
        LINK_SIGNING_SECRET: SECRET,
        DATA_DIR: dataDir,
        HOST: '127.0.0.1',
        PORT: String(port),
        LOG_LEVEL: 'debug',
        RATE_LIMIT_PER_MINUTE: '0',
        PARTNER_TENANTS: partner,
        LICENSING_ADAPTER: 'pool',
        KEY_ENCRYPTION_KEYS: `leak:${testKek(0x33)}`,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    exited = new Promise((r) => child.once('exit', () => r()));
    const deadline = Date.now() + 90_000;
    for (;;) {
      const ok = await fetch(`${base}/health/ready`).then(
        (r) => r.status === 200,
        () => false,
      );
      if (ok) break;
      if (Date.now() > deadline || child.exitCode !== null)
        throw new Error(`the service did not start: ${output.slice(-2000)}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }, 120_000);

  afterAll(async () => {
    if (child && child.exitCode === null) {
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dataDir, { recursive: true, force: true });
    await db?.drop();
  });

  it('imports, refuses, reveals, exhausts, revokes and fails closed without ever printing a key', async () => {
    const [k1, k2, k3, k4, k5, k6] = keys as [string, string, string, string, string, string];
    expect(
      (
        await http('POST', '/v1/keypool/imports', {
          keys: [k1, k2].map((productKey) => ({ offerId: OFFER, version: '2022', productKey })),
        })
      ).status,
    ).toBe(201);
    expect(
      (await http('POST', '/v1/keypool/imports', { keys: [{ offerId: OFFER, version: '2016', productKey: k3 }] }))
        .status,
    ).toBe(201);
    const bad = await http('POST', '/v1/keypool/imports', {
      keys: [
        { offerId: OFFER, version: '2022', productKey: k1 },
        { offerId: OFFER, version: '1999', productKey: k4 },
        { offerId: k5, version: '2022', productKey: k6 },
        { offerId: OFFER, version: k6, productKey: `${k5}-EXTRA` },
      ],
    });
    expect(bad.status).toBe(400);
    const csv = await fetch(`${base}/v1/keypool/imports`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await token(['AdminAgent'])}`, 'content-type': 'text/csv' },
      body: `offerId,version,productKey\n${OFFER},2022,"${k4}\n`,
    });
    published.push(await csv.text());
    expect(csv.status).toBe(400);

    const customer = await http('POST', '/v1/customers', {
      companyName: 'Leak Co',
      domain: `leak-${randomUUID().slice(0, 8)}.example.com`,
      country: 'PL',
    });
    const order = await http('POST', `/v1/customers/${customer.body.id}/orders`, {
      lineItems: [
        { lineItemNumber: 0, offerId: OFFER, quantity: 2 },
        { lineItemNumber: 1, offerId: OFFER, quantity: 1 },
      ],
    });
    const key = (line: number, version: string, keep = true) =>
      http(
        'POST',
        `/v1/customers/${customer.body.id}/software/${order.body.id}_${line}/key`,
        { version },
        ['AdminAgent'],
        keep,
      );
    // the one place a key is meant to appear: the caller's own 200 (not searched)
    expect((await key(0, '2022', false)).status).toBe(200);
    expect((await key(0, '2022', false)).status).toBe(200);
    expect((await key(1, '2019')).status).toBe(409);
    // tamper with the only 2016 key: 503, alert
    const c = new Client({ connectionString: db.url });
    await c.connect();
    await c.query(
      "UPDATE key_pool_keys SET ciphertext = set_byte(ciphertext, 13, get_byte(ciphertext, 13) # 1) WHERE version = '2016'",
    );
    await c.end();
    expect((await key(1, '2016')).status).toBe(503);
    expect(
      (await http('PATCH', `/v1/customers/${customer.body.id}/orders/${order.body.id}`, { status: 'cancelled' }))
        .status,
    ).toBe(200);
    expect((await key(0, '2022')).status).toBe(410);
    for (let i = 0; i < 100 && !output.includes('key revoked'); i++) await new Promise((r) => setTimeout(r, 200));
    expect((await http('GET', '/v1/keypool/stock', undefined, ['Auditor'])).status).toBe(200);
    expect((await http('GET', '/v1/events?size=1000', undefined, ['Auditor'])).status).toBe(200);
    expect((await http('GET', '/v1/auditrecords', undefined, ['GlobalAdmin'])).status).toBe(200);
    published.push(await (await fetch(`${base}/metrics`)).text());
    child.kill('SIGTERM');
    await exited;

    // the run did log what happened (so the search below can fail)
    for (const line of ['keys imported', 'key assigned', 'key pool exhausted', 'ALERT key custody', 'key revoked'])
      expect(output.includes(line) ? line : `missing: ${line}`).toBe(line);
    const haystack = `${output}\n${published.join('\n')}`;
    const variants = keys.flatMap((k) => [k, k.toLowerCase(), k.replace(/-/g, '')]);
    expect(variants.filter((v) => haystack.includes(v)).length).toBe(0);
  }, 120_000);
});

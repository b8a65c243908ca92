import { spawn } from 'node:child_process';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { AppConfig } from '@csp/platform';
import { streamTypeOf } from '@csp/domain';
import { DATABASE_POOL } from '@csp/event-sourcing';
import { AuditDigest, DigestProducer, signDigest } from '@csp/capabilities/audit-trail';
import { Caller, newTenant, startTestApp, TestApp } from '../support/app';
import { ROOT, sourceEntryArgs } from '../support/source-process';
import {
  adminAgent,
  cancelBody,
  eventStore,
  OFFERS,
  orderPath,
  placeOrderOk,
  registerCustomer,
  sleep,
  softwareIdOf,
} from '../e2e/e2e-helpers';

/** The verifier as an auditor runs it: a child process, its exit code and its one line. */
function verifyAudit(args: string[]): Promise<{ code: number | null; out: string }> {
  const child = spawn(process.execPath, [...sourceEntryArgs('apps/cli/src/verify-audit.ts'), ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  return new Promise((res) => child.on('exit', (code) => res({ code, out: out.trim() })));
}

// Issue 17, end to end through real HTTP, the worker's digest producer, real PostgreSQL and the verifier CLI.
describe('audit trail: digests, export, offline verification, tampering', () => {
  let t: TestApp;
  let sql: Client;
  let dir: string;
  const partner = newTenant();
  const agent: Caller = adminAgent(partner);
  const auditor: Caller = { tenantId: partner, roles: ['Auditor'], userId: 'auditor' };
  let customerId: string;
  let orderId: string;
  let auditorToken: string;

  const latest = async (log = ''): Promise<Partial<AuditDigest>> => {
    const res = await t.request('GET', `/v1/audit/digests/latest${log}`, { as: auditor });
    return res.status === 200 ? res.body : {};
  };
  /** Waits until a digest covers the event at `position` (the producer runs every 100 ms here). */
  const digestCovering = async (position: number): Promise<number> => {
    for (let i = 0; i < 200; i++) {
      const d = await latest();
      if (d.sequence && d.toPosition !== undefined && d.toPosition >= position) return d.sequence;
      await sleep(50);
    }
    throw new Error(`no digest covered position ${position}`);
  };
  const files = async (name: string) => {
    const keys = await t.request('GET', '/v1/audit/keys', { as: auditor });
    const digests = await t.request('GET', '/v1/audit/digests?size=1000', { as: auditor });
    const events = await t.request('GET', '/v1/events/export', { as: auditor });
    expect([keys.status, digests.status, events.status]).toEqual([200, 200, 200]);
    expect(events.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
    const path = (f: string) => join(dir, `${name}-${f}`);
    writeFileSync(path('keys.json'), keys.text);
    writeFileSync(path('digests.json'), digests.text);
    writeFileSync(path('export.ndjson'), events.text);
    return {
      args: ['--events', path('export.ndjson'), '--digests', path('digests.json'), '--keys', path('keys.json')],
      lines: events.text,
    };
  };
  const eventRow = async (type: string) =>
    (
      await sql.query(`SELECT * FROM es_events WHERE stream_id = $1 AND type = $2 ORDER BY global_position LIMIT 1`, [
        `order-${orderId}`,
        type,
      ])
    ).rows[0];
  const digestNumbers: Record<string, number> = {};

  beforeAll(async () => {
    t = await startTestApp({ env: { AUDIT_DIGEST_EVERY_MS: '100' } });
    sql = new Client({ connectionString: t.db.url });
    await sql.connect();
    dir = mkdtempSync(join(tmpdir(), 'csp-audit-'));
    auditorToken = await t.token(auditor);

    // place, reveal, download, cancel: one digest after each step (and a KMS plan: every stream type is a leaf)
    const customer = await registerCustomer(t, agent, 'PL');
    customerId = customer.id;
    const order = await placeOrderOk(t, agent, customerId, [{ offerId: OFFERS.perpetual }]);
    orderId = order.id;
    digestNumbers.place = await digestCovering(order.position);
    const software = `/v1/customers/${customerId}/software/${softwareIdOf(orderId, 0)}`;
    const key = await t.request('POST', `${software}/key`, { as: agent, body: { version: '2022' } });
    expect(key.status).toBe(200);
    digestNumbers.reveal = await digestCovering(Number(key.headers.get('x-event-position')));
    const link = await t.request('POST', `${software}/downloadlinks`, {
      as: agent,
      body: { version: '2022', language: 'en-US', bitness: 'x64' },
    });
    expect(link.status).toBe(201);
    const download = await t.request('GET', new URL(link.body.uri).pathname);
    expect([200, 302]).toContain(download.status);
    digestNumbers.download = await digestCovering(Number(link.headers.get('x-event-position')));
    const group = await t.request('POST', `/v1/customers/${customerId}/kmsmigration/devicegroups`, {
      as: agent,
      body: { name: 'Audit', deviceCount: 3, lastKmsActivationAt: '2026-10-01' },
    });
    expect(group.status).toBe(201);
    const cancel = await t.request('PATCH', orderPath(customerId, orderId), { as: agent, body: cancelBody() });
    expect(cancel.status).toBe(200);
    // The worker propagates the cancellation (CancellationPropagated, in the order stream): wait for it too.
    for (let i = 0; i < 200 && !(await eventRow('CancellationPropagated')); i++) await sleep(50);
    const propagated = await eventRow('CancellationPropagated');
    expect(propagated).toBeDefined();
    digestNumbers.cancel = await digestCovering(Number(propagated.global_position));
  }, 120_000);

  afterAll(async () => {
    await sql?.end();
    await t?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('exports every event of the tenant in tree order, each line the canonical bytes of its leaf, and verifies', async () => {
    const { args, lines } = await files('clean');
    const events = lines
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    const streamTypes = new Set(events.map((e) => streamTypeOf(e.stream)));
    expect([...streamTypes].sort()).toEqual(['customer', 'customerDomain', 'kmsMigration', 'order', 'partner']);
    expect(events.map((e) => e.type)).toEqual(
      expect.arrayContaining([
        'PartnerRegistered',
        'OrderPlaced',
        'KeyRevealed',
        'DownloadLinkIssued',
        'SoftwareDownloaded',
        'OrderCancelled',
        'CancellationPropagated',
        'DeviceGroupRegistered',
      ]),
    );
    expect(lines).not.toMatch(/[A-Z0-9]{5}(-[A-Z0-9]{5}){4}/); // no product key in clear
    const result = await verifyAudit(args);
    expect(result).toEqual({
      code: 0,
      out: expect.stringMatching(/^audit trail verified: tenant .*, \d+ events, \d+ digests/),
    });
    const online = await verifyAudit(['--url', t.baseUrl, '--token', auditorToken]);
    expect(online.code).toBe(0);
  });

  it('(a) an event whose data was changed in PostgreSQL: exit 1 naming its digest, and with the service its position', async () => {
    const row = await eventRow('KeyRevealed');
    await sql.query(`UPDATE es_events SET data = data || '{"version":"2019"}' WHERE global_position = $1`, [
      row.global_position,
    ]);
    try {
      const result = await verifyAudit((await files('changed')).args);
      expect(result.code).toBe(1);
      expect(result.out).toMatch(
        new RegExp(`digest #${digestNumbers.reveal} .*rebuild root .*an event at positions \\d+\\.\\.\\d+ was changed`),
      );
      const online = await verifyAudit(['--url', t.baseUrl, '--token', auditorToken]);
      expect(online.code).toBe(1);
      expect(online.out).toContain(
        `the event at position ${row.global_position} (stream order-${orderId}, streamPosition ${row.stream_position}`,
      );
    } finally {
      await sql.query('UPDATE es_events SET data = $2 WHERE global_position = $1', [row.global_position, row.data]);
    }
  });

  it('(b) a deleted event: exit 1 naming its position', async () => {
    const row = await eventRow('DownloadLinkIssued');
    await sql.query('DELETE FROM es_events WHERE global_position = $1', [row.global_position]);
    try {
      const result = await verifyAudit((await files('deleted')).args);
      expect(result.code).toBe(1);
      expect(result.out).toContain(`no event at position ${row.global_position}`);
      expect(result.out).toContain(`digest #${digestNumbers.download} `);
    } finally {
      await insert(row);
    }
  });

  it('(c) two events swapped in the global order: exit 1 naming where', async () => {
    const a = await eventRow('KeyRevealed');
    const b = await eventRow('DownloadLinkIssued');
    await swap(a, b);
    try {
      const result = await verifyAudit((await files('swapped')).args);
      expect(result.code).toBe(1);
      // The reveal's digest covers the reveal's position, where the link's event now sits.
      expect(result.out).toContain(`digest #${digestNumbers.reveal} `);
      expect(result.out).toContain(`positions ${a.global_position}..`);
      expect(result.out).toContain(`stream order-${orderId} has no streamPosition ${a.stream_position}`);
    } finally {
      await swap(
        { ...a, global_position: b.global_position, transaction_id: b.transaction_id },
        { ...b, global_position: a.global_position, transaction_id: a.transaction_id },
      );
    }
  });

  it('(d) a digest forged without the key: exit 1 naming it', async () => {
    const { rows } = await sql.query('SELECT * FROM audit_digests WHERE tenant_id = $1 AND sequence = $2', [
      partner,
      digestNumbers.reveal,
    ]);
    const original = rows[0];
    // An operator rewrites the digest of the reveal to cover a changed history, signing with a key of his own.
    const forged = signDigest(
      {
        tenantId: partner,
        sequence: original.sequence,
        treeSize: Number(original.tree_size),
        rootHash: 'ab'.repeat(32),
        fromPosition: Number(original.from_position),
        toPosition: Number(original.to_position),
        previousDigestHash: original.previous_digest_hash,
        issuedAt: original.issued_at,
        keyId: original.key_id,
      },
      generateKeyPairSync('ed25519').privateKey,
    );
    await sql.query('UPDATE audit_digests SET root_hash = $3, signature = $4 WHERE tenant_id = $1 AND sequence = $2', [
      partner,
      original.sequence,
      forged.rootHash,
      forged.signature,
    ]);
    try {
      const result = await verifyAudit((await files('forged')).args);
      expect(result.code).toBe(1);
      expect(result.out).toMatch(
        new RegExp(`digest #${digestNumbers.reveal} .*signature does not verify with key test-audit`),
      );
    } finally {
      await sql.query(
        'UPDATE audit_digests SET root_hash = $3, signature = $4 WHERE tenant_id = $1 AND sequence = $2',
        [partner, original.sequence, original.root_hash, original.signature],
      );
    }
  });

  it('(e) a digest dropped from the chain: exit 1 naming the gap', async () => {
    const dropped = digestNumbers.download;
    const { rows } = await sql.query('DELETE FROM audit_digests WHERE tenant_id = $1 AND sequence = $2 RETURNING *', [
      partner,
      dropped,
    ]);
    try {
      const result = await verifyAudit((await files('dropped')).args);
      expect(result.code).toBe(1);
      expect(result.out).toMatch(new RegExp(`digest #${dropped + 1} .*digest #${dropped} missing from the chain`));
    } finally {
      const r = rows[0];
      await sql.query(
        `INSERT INTO audit_digests (tenant_id, sequence, tree_size, root_hash, from_position, to_position, previous_digest_hash, issued_at, key_id, signature, digest_hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
        [
          r.tenant_id,
          r.sequence,
          r.tree_size,
          r.root_hash,
          r.from_position,
          r.to_position,
          r.previous_digest_hash,
          r.issued_at,
          r.key_id,
          r.signature,
          r.digest_hash,
        ],
      );
    }
  });

  it('two producers at once never fork the chain; the untouched trail still verifies', async () => {
    await registerCustomer(t, agent, 'DE');
    const config = t.app.get(AppConfig);
    const second = new DigestProducer(t.app.get(DATABASE_POOL), eventStore(t), t.clock, config);
    await Promise.all([t.app.get(DigestProducer).runOnce(), second.runOnce(), t.app.get(DigestProducer).runOnce()]);
    const { rows } = await sql.query(
      'SELECT sequence, previous_digest_hash, digest_hash FROM audit_digests WHERE tenant_id = $1 ORDER BY sequence',
      [partner],
    );
    rows.forEach((r, i) => {
      expect(r.sequence).toBe(i + 1);
      expect(r.previous_digest_hash).toBe(i === 0 ? null : rows[i - 1].digest_hash);
    });
    expect((await verifyAudit((await files('twice')).args)).code).toBe(0);
  });

  it('an event that names no partner lands in the system log, which an Auditor verifies with log=system', async () => {
    await eventStore(t).appendToStream(`foreign-${randomUUID()}`, [
      { type: 'SomethingForeign', data: { note: 'no partner' } },
    ]);
    await t.app.get(DigestProducer).runOnce();
    const system = await latest('?log=system');
    expect(system).toMatchObject({ tenantId: 'system', sequence: expect.any(Number) });
    const result = await verifyAudit(['--url', t.baseUrl, '--token', auditorToken, '--log', 'system']);
    expect(result).toEqual({ code: 0, out: expect.stringContaining('tenant system') });
  });

  it('proofs: inclusion of an event in a digest’s tree and consistency between two digests, per RFC 9162', async () => {
    const digests = (await t.request('GET', '/v1/audit/digests', { as: auditor })).body.items as AuditDigest[];
    const [first, last] = [digests[0], digests[digests.length - 1]];
    const eventId = JSON.parse((await t.request('GET', '/v1/events/export?to=1', { as: auditor })).text).id;
    const inclusion = await t.request(
      'GET',
      `/v1/audit/proofs/inclusion?eventId=${eventId}&treeSize=${last.treeSize}`,
      { as: auditor },
    );
    expect(inclusion.body).toEqual({
      eventId,
      leafIndex: 0,
      treeSize: last.treeSize,
      auditPath: expect.arrayContaining([expect.stringMatching(/^[0-9a-f]{64}$/)]),
    });
    const consistency = await t.request(
      'GET',
      `/v1/audit/proofs/consistency?first=${first.treeSize}&second=${last.treeSize}`,
      { as: auditor },
    );
    expect(consistency.body).toMatchObject({ first: first.treeSize, second: last.treeSize });
    const bad = await t.request('GET', `/v1/audit/proofs/consistency?first=0&second=x`, { as: auditor });
    expect(bad.status).toBe(400);
    expect(bad.body.errors?.[0]?.field ?? bad.body.field).toBe('first');
    const other = await t.request('GET', `/v1/audit/proofs/inclusion?eventId=${randomUUID()}&treeSize=1`, {
      as: auditor,
    });
    expect(other.status).toBe(404);
  });

  async function insert(row: Record<string, unknown>): Promise<void> {
    await sql.query(
      `INSERT INTO es_events (global_position, stream_id, stream_position, event_id, type, data, metadata, recorded_at, transaction_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [
        row.global_position,
        row.stream_id,
        row.stream_position,
        row.event_id,
        row.type,
        row.data,
        row.metadata,
        row.recorded_at,
        row.transaction_id,
      ],
    );
  }

  /** a's content at b's place and b's at a's (positions and their transaction ids stay: the store's check). */
  async function swap(a: Record<string, unknown>, b: Record<string, unknown>): Promise<void> {
    await sql.query('BEGIN');
    await sql.query('DELETE FROM es_events WHERE global_position = ANY($1::bigint[])', [
      [a.global_position, b.global_position],
    ]);
    await insert({ ...b, global_position: a.global_position, transaction_id: a.transaction_id });
    await insert({ ...a, global_position: b.global_position, transaction_id: b.transaction_id });
    await sql.query('COMMIT');
  }
});

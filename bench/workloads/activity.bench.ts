import { startApi } from '../support/api-process';
import { cannon } from '../support/autocannon';
import { withClient } from '../support/database';
import { call } from '../support/http-client';
import { AUDITED_PER_SET, cloneHistory, count, newPartner, writeTemplateHistory } from '../support/seed-events';
import { WorkloadSkipped } from '../support/skipped';

/**
 * The activity log: GET /v1/auditrecords for the last 30 days over 1,000,000 audit records of one partner
 * (spread over 90 days), built by the service's own projection from cloned events; 4 connections for 10 s.
 */
const RECORDS = 1_000_000;
const CONNECTIONS = 4;
const SECONDS = 10;
const CATCH_UP_MS = 20 * 60_000;

const day = (d: Date) => d.toISOString().slice(0, 10);

export async function runActivityBench(
  log: (m: string) => void,
): Promise<{ results: Record<string, number>; notes: string[] }> {
  const partner = newPartner();
  let api = await startApi({ prefix: 'bench_activity', partners: [partner] });
  const notes: string[] = [];
  try {
    const token = await api.token(partner, ['AdminAgent', 'GlobalAdmin', 'Auditor']);
    const probe = await call(api.baseUrl, token, 'GET', '/v1/auditrecords');
    if (probe.status === 404 && probe.body?.code !== 'customer_not_found')
      throw new WorkloadSkipped('GET /v1/auditrecords is not served (404)');
    if (probe.status !== 200) throw new Error(`GET /v1/auditrecords: ${probe.status} ${JSON.stringify(probe.body)}`);

    await writeTemplateHistory(api, partner);
    await api.stop({ keepDatabase: true });
    const sets = Math.ceil((RECORDS - AUDITED_PER_SET) / AUDITED_PER_SET);
    log(`activity: seeding ${sets.toLocaleString('en')} cloned histories`);
    await cloneHistory(api.db.url, { sets, partnerTenantId: partner, log });

    log('activity: the service builds the activity log from them');
    api = await startApi({ prefix: 'bench_activity', db: api.db, partners: [partner] });
    const until = Date.now() + CATCH_UP_MS;
    let records = 0;
    for (;;) {
      records = await withClient(api.db.url, (c) => count(c, 'SELECT count(*) AS n FROM rm_audit_records'));
      if (records >= RECORDS || Date.now() > until) break;
      log(`activity: ${records.toLocaleString('en')} records`);
      await new Promise((r) => setTimeout(r, 5000));
    }
    if (records < RECORDS) throw new Error(`only ${records} audit records after ${CATCH_UP_MS / 60_000} min`);
    await withClient(api.db.url, (c) => c.query('ANALYZE'));

    const end = new Date();
    const start = new Date(end.getTime() - 29 * 86_400_000);
    const path = `/v1/auditrecords?startDate=${day(start)}&endDate=${day(end)}`;
    const first = await call(api.baseUrl, token, 'GET', path);
    if (first.status !== 200) throw new Error(`${path}: ${first.status} ${JSON.stringify(first.body)}`);
    notes.push(
      `activity: ${records.toLocaleString('en')} records, ${first.body.totalCount} in the 30-day range, page of ${first.body.items?.length}`,
    );
    log(`activity: ${path}, ${CONNECTIONS} connections × ${SECONDS} s`);
    const r = await cannon({
      url: `${api.baseUrl}${path}`,
      connections: CONNECTIONS,
      duration: SECONDS,
      headers: { authorization: `Bearer ${token}` },
    });
    if (r.non2xx || r.errors) notes.push(`activity: ${r.non2xx} non-2xx, ${r.errors} errors of ${r.requests.total}`);
    return { results: { activity_log_p99_ms: r.latency.p99 }, notes };
  } finally {
    await api.stop();
  }
}

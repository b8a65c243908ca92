import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { logLines, spawnApi, tokenFor, type ServiceProcess } from '../support/service-processes';

const PARTNER = randomUUID();
const LIMIT = 30;

const childPidsOf = (pid: number): number[] => {
  try {
    return execFileSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .map(Number);
  } catch {
    return []; // pgrep exits 1 when there is none
  }
};

/**
 * API_WORKERS=2 as `npm start` runs it (ROLE=all, queues on PostgreSQL, no Redis): one port, two api processes
 * that both answer, one rate-limit budget between them (held by the cluster's primary), and SIGTERM stops all of it
 * with exit code 0.
 */
describe('API_WORKERS=2', () => {
  let db: TestDatabase;
  let service: ServiceProcess | undefined;

  beforeAll(async () => {
    db = await createTestDatabase('csp_apiw');
  });
  afterAll(async () => {
    await service?.kill('SIGKILL');
    await db?.drop();
  });

  it('serves one port from two api processes sharing one rate-limit budget, and stops on SIGTERM', async () => {
    service = await spawnApi({
      ROLE: 'all',
      API_WORKERS: '2',
      DATABASE_URL: db.url,
      PARTNER_TENANTS: `${PARTNER}:Cluster partner`,
      RATE_LIMIT_PER_MINUTE: String(LIMIT),
    });
    const token = await tokenFor(PARTNER);
    // A new connection per request: the primary hands connections to its api processes in turn.
    const statuses: number[] = [];
    for (let i = 0; i < 2 * LIMIT; i++) {
      const res = await fetch(`${service.baseUrl}/v1/customers`, {
        headers: { authorization: `Bearer ${token}`, connection: 'close', 'ms-requestid': randomUUID() },
      });
      await res.arrayBuffer();
      statuses.push(res.status);
    }
    // One budget: LIMIT in all, not LIMIT per process.
    expect(statuses.filter((s) => s === 200)).toHaveLength(LIMIT);
    expect(statuses.filter((s) => s === 429)).toHaveLength(LIMIT);

    // Both api processes served (their request log lines carry their pid), and neither is the supervisor.
    const children = childPidsOf(service.pid);
    expect(children).toHaveLength(3); // two api processes and the worker
    const servedBy = new Set(
      logLines(service.output())
        .filter((l) => l.msg === 'request completed' && l.path === '/v1/customers')
        .map((l) => l.pid as number),
    );
    expect(servedBy.size).toBe(2);
    for (const pid of servedBy) expect(children).toContain(pid);

    const exit = await service.stop();
    expect(exit).toEqual({ code: 0, signal: null });
    for (const pid of children) expect(() => process.kill(pid, 0)).toThrow();
  }, 120_000);
});

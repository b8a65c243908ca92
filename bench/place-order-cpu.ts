/**
 * CPU time per placed order, split by process (api, worker, PostgreSQL backends), for one or more git revisions
 * in alternated rounds on this machine: the load-independent figure of issue 18's place-order target.
 *   npx tsx bench/place-order-cpu.ts                  this checkout (its working tree)
 *   npx tsx bench/place-order-cpu.ts main .           main vs this checkout, rounds alternated
 *   ORDERS=3000 ROUNDS=3 CONCURRENCY=16 ...           (defaults)
 * Each revision is built as production runs it (tsc + tsc-alias, `npm start`), the api and the worker in
 * processes of their own on a fresh bench database. BENCH_NODE_ARGS reaches the services' node (--cpu-prof).
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, symlink } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildService, ROOT, startApi, type ServiceBuild } from './support/api-process';
import { inParallel, placeOrder, registerCustomer } from './support/http-client';
import { cpuDuring, processCpuMicros } from './support/process-cpu';

const ORDERS = Number(process.env.ORDERS ?? 3000);
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 16);

/** A build of `ref` ('.' = this working tree): the ref's sources exported beside this checkout's node_modules. */
async function buildRef(ref: string): Promise<ServiceBuild> {
  if (ref === '.') return buildService();
  const src = await mkdtemp(join(tmpdir(), 'csp-ref-'));
  execFileSync('sh', ['-c', `git -C "${ROOT}" archive "${ref}" | tar -x -C "${src}"`]);
  await symlink(join(ROOT, 'node_modules'), join(src, 'node_modules'));
  const outDir = await mkdtemp(join(ROOT, 'node_modules/.cache/csp-bench-ref-'));
  const bin = (name: string) => join(ROOT, 'node_modules/.bin', name);
  execFileSync(bin('tsc'), ['-p', 'tsconfig.build.json', '--outDir', join(outDir, 'dist')], { cwd: src });
  execFileSync(bin('tsc-alias'), ['-p', 'tsconfig.build.json', '--outDir', join(outDir, 'dist')], { cwd: src });
  await rm(src, { recursive: true, force: true });
  return {
    entry: join(outDir, 'dist/apps/api/src/main.js'),
    remove: () => rm(outDir, { recursive: true, force: true }),
  };
}

/** Until the worker has caught up (less than 3% of a core over a second), so its CPU per order is whole. */
async function workerSettled(pid: number): Promise<void> {
  for (let i = 0; i < 60; i++) {
    const before = await processCpuMicros(pid);
    await new Promise((r) => setTimeout(r, 1000));
    if ((await processCpuMicros(pid)) - before < 30_000) return;
  }
}

async function measure(build: ServiceBuild): Promise<Record<string, number>> {
  const partner = randomUUID();
  const api = await startApi({ prefix: 'bench_cpu', split: true, partners: [partner], build });
  try {
    const token = await api.token(partner);
    const buyer = await registerCustomer(api.baseUrl, token);
    await inParallel(
      Array.from({ length: 300 }),
      CONCURRENCY,
      async () => void (await placeOrder(api.baseUrl, token, buyer)),
    );
    await workerSettled(api.workerPid!);
    const started = performance.now();
    let seconds = 0;
    const cpu = await cpuDuring(api, async () => {
      await inParallel(
        Array.from({ length: ORDERS }),
        CONCURRENCY,
        async () => void (await placeOrder(api.baseUrl, token, buyer)),
      );
      seconds = (performance.now() - started) / 1000;
      await workerSettled(api.workerPid!);
    });
    const per = (us: number) => Math.round(us / ORDERS);
    return {
      api: per(cpu.api),
      worker: per(cpu.worker),
      postgres: per(cpu.postgres),
      rps: Math.round(ORDERS / seconds),
    };
  } finally {
    await api.stop();
  }
}

async function main(): Promise<void> {
  const refs = process.argv.slice(2).length ? process.argv.slice(2) : ['.'];
  const builds = new Map<string, ServiceBuild>();
  for (const ref of refs) builds.set(ref, await buildRef(ref));
  const all = new Map<string, Record<string, number>[]>(refs.map((r) => [r, []]));
  try {
    for (let round = 0; round < ROUNDS; round++) {
      for (const ref of round % 2 ? [...refs].reverse() : refs) {
        const load = loadavg()
          .map((l) => l.toFixed(2))
          .join(' ');
        const r = await measure(builds.get(ref)!);
        all.get(ref)!.push(r);
        console.log(
          `round ${round + 1} ${ref}: api ${r.api} µs/order, worker ${r.worker}, postgres ${r.postgres} ` +
            `(${r.rps} orders/s at ${CONCURRENCY} in flight; load ${load})`,
        );
      }
    }
    for (const [ref, rs] of all) {
      const median = (k: string) => rs.map((r) => r[k]!).sort((a, b) => a - b)[Math.floor(rs.length / 2)];
      console.log(
        `${ref} median: api ${median('api')} µs/order, worker ${median('worker')}, postgres ${median('postgres')}`,
      );
    }
  } finally {
    for (const b of builds.values()) await b.remove();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

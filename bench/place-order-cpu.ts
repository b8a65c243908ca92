/**
 * CPU time per placed order, split by process (api, worker, PostgreSQL backends), for one or more git revisions
 * side by side on this machine, in alternated blocks: issue 18's place-order figure, compared under one load.
 *   npx tsx bench/place-order-cpu.ts                  this checkout (its working tree)
 *   npx tsx bench/place-order-cpu.ts main .           main vs this checkout, rounds alternated
 *   ORDERS=3000 ROUNDS=6 CONCURRENCY=16 ...           (defaults: ORDERS per revision, in ROUNDS blocks)
 * Each revision is built as production runs it (tsc + tsc-alias, `npm start`), the api and the worker in
 * processes of their own on a fresh bench database. BENCH_NODE_ARGS reaches the services' node (--cpu-prof).
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, symlink } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildService, ROOT, startApi, type ApiProcess, type ServiceBuild } from './support/api-process';
import { inParallel, placeOrder, registerCustomer } from './support/http-client';
import { cpuDuring, processCpuMicros } from './support/cpu';

const ORDERS = Number(process.env.ORDERS ?? 3000);
const ROUNDS = Number(process.env.ROUNDS ?? 6);
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

interface Service {
  api: ApiProcess;
  token: string;
  buyer: string;
}

async function start(build: ServiceBuild): Promise<Service> {
  const partner = randomUUID();
  const api = await startApi({ prefix: 'bench_cpu', split: true, partners: [partner], build });
  const token = await api.token(partner);
  const buyer = await registerCustomer(api.baseUrl, token);
  return { api, token, buyer };
}

const place = ({ api, token, buyer }: Service, n: number) =>
  inParallel(Array.from({ length: n }), CONCURRENCY, async () => void (await placeOrder(api.baseUrl, token, buyer)));

/** One block of orders on one service: CPU µs per order of each process, until its worker has caught up. */
async function block(service: Service, n: number): Promise<Record<string, number>> {
  const started = performance.now();
  let seconds = 0;
  const cpu = await cpuDuring(service.api, async () => {
    await place(service, n);
    seconds = (performance.now() - started) / 1000;
    await workerSettled(service.api.workerPid!);
  });
  return { api: cpu.api / n, worker: cpu.worker / n, postgres: cpu.postgres / n, rps: n / seconds };
}

/**
 * Every revision's service runs at once (each its api, worker and database); blocks of orders alternate between
 * them, so that each revision's figures are taken under the same load of the machine.
 */
async function main(): Promise<void> {
  const refs = process.argv.slice(2).length ? process.argv.slice(2) : ['.'];
  const builds: ServiceBuild[] = [];
  const services: Service[] = [];
  try {
    for (const ref of refs) builds.push(await buildRef(ref));
    for (const build of builds) services.push(await start(build));
    for (const s of services) await place(s, 300); // warm-up: code compiled, pools filled
    for (const s of services) await workerSettled(s.api.workerPid!);
    const all = refs.map(() => [] as Record<string, number>[]);
    const perBlock = Math.ceil(ORDERS / ROUNDS);
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 ? [...refs.keys()].reverse() : [...refs.keys()];
      for (const i of order) {
        const load = loadavg()
          .map((l) => l.toFixed(2))
          .join(' ');
        const r = await block(services[i]!, perBlock);
        all[i]!.push(r);
        console.log(
          `block ${round + 1} ${refs[i]}: api ${Math.round(r.api)} µs/order, worker ${Math.round(r.worker)}, ` +
            `postgres ${Math.round(r.postgres)} (${Math.round(r.rps!)} orders/s at ${CONCURRENCY} in flight; load ${load})`,
        );
      }
    }
    const median = (rs: Record<string, number>[], k: string) =>
      Math.round(rs.map((r) => r[k]!).sort((a, b) => a - b)[Math.floor(rs.length / 2)]!);
    const mean = (rs: Record<string, number>[], k: string) => Math.round(rs.reduce((a, r) => a + r[k]!, 0) / rs.length);
    refs.forEach((ref, i) => {
      const rs = all[i]!;
      console.log(
        `${ref}: ${rs.length * perBlock} orders; median (mean) µs/order: api ${median(rs, 'api')} (${mean(rs, 'api')}), ` +
          `worker ${median(rs, 'worker')} (${mean(rs, 'worker')}), postgres ${median(rs, 'postgres')} (${mean(rs, 'postgres')})`,
      );
    });
    console.log(
      `load average at the end: ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
    );
  } finally {
    for (const s of services) await s.api.stop();
    for (const b of builds) await b.remove();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

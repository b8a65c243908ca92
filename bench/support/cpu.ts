// CPU time of the service's processes, read from /proc: unlike req/s, it hardly depends on what else the machine
// is doing, so it is the figure benches compare across runs.
import { readdir, readFile } from 'node:fs/promises';
import { withClient } from './database';

/** Clock ticks per second of /proc/<pid>/stat (USER_HZ: 100 on Linux x86_64 and arm64). */
const TICKS_PER_SECOND = 100;

/** CPU time (user + system, all threads) a process has used so far, in microseconds; 0 once it is gone. */
export async function processCpuMicros(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  // The command name (field 2) may hold spaces: count fields after its closing parenthesis.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11] ?? 0) + Number(fields[12] ?? 0); // utime, stime (fields 14 and 15)
  return (ticks * 1_000_000) / TICKS_PER_SECOND;
}

/**
 * CPU time of a process and its descendants now living, in microseconds: with API_WORKERS=2 the api's primary
 * forks the processes that serve (cluster), and its own figure alone would leave them out.
 */
export async function processTreeCpuMicros(pid: number): Promise<number> {
  const tasks = await readdir(`/proc/${pid}/task`).catch(() => [] as string[]);
  const children = await Promise.all(
    tasks.map((tid) => readFile(`/proc/${pid}/task/${tid}/children`, 'utf8').catch(() => '')),
  );
  const pids = children.join(' ').split(/\s+/).filter(Boolean).map(Number);
  const own = await processCpuMicros(pid);
  const theirs = await Promise.all(pids.map(processTreeCpuMicros));
  return theirs.reduce((a, b) => a + b, own);
}

/** CPU seconds a process has used so far (all its threads). */
export async function processCpuSeconds(pid: number): Promise<number> {
  return (await processCpuMicros(pid)) / 1e6;
}

/** CPU seconds a single-threaded process (a PostgreSQL backend) has used so far, in nanoseconds' precision. */
async function threadCpuSeconds(pid: number): Promise<number> {
  const schedstat = await readFile(`/proc/${pid}/schedstat`, 'utf8').catch(() => '');
  return schedstat ? Number(schedstat.split(' ')[0]) / 1e9 : processCpuSeconds(pid);
}

/** The PostgreSQL backends serving one database now (the service's pools keep theirs open). */
export async function databaseBackendPids(url: string): Promise<number[]> {
  return withClient(url, async (c) => {
    const r = await c.query<{ pid: number }>(
      'SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
    );
    return r.rows.map((row) => row.pid);
  });
}

/** The backends of one database on this machine's PostgreSQL, and the CPU seconds each has used so far. */
export async function backendCpu(url: string): Promise<Map<number, number>> {
  const pids = await databaseBackendPids(url);
  return new Map(await Promise.all(pids.map(async (pid) => [pid, await threadCpuSeconds(pid)] as [number, number])));
}

/**
 * CPU seconds the database's backends used between two samples (a backend that started in between counts from
 * zero; one that ended in between is lost, so sample around work done on pooled, long-lived connections).
 */
export function backendCpuBetween(before: Map<number, number>, after: Map<number, number>): number {
  let sum = 0;
  for (const [pid, cpu] of after) sum += cpu - (before.get(pid) ?? 0);
  return sum;
}

export interface CpuSplit {
  api: number;
  worker: number;
  postgres: number;
}

/**
 * CPU time in microseconds of the service's processes over `work`, split by process: the api (with the processes
 * it forked: API_WORKERS), the worker and the
 * database's backends (those open before and after; a backend that comes and goes within `work` is missed, so
 * pools are warmed first).
 */
export async function cpuDuring(
  service: { pid: number; workerPid?: number; db: { url: string } },
  work: () => Promise<void>,
): Promise<CpuSplit> {
  const [api, worker, pg] = [service.pid, service.workerPid ?? -1, service.db.url];
  const before = await Promise.all([processTreeCpuMicros(api), processCpuMicros(worker), backendCpu(pg)]);
  await work();
  const after = await Promise.all([processTreeCpuMicros(api), processCpuMicros(worker), backendCpu(pg)]);
  return {
    api: Math.max(0, after[0] - before[0]),
    worker: service.workerPid ? Math.max(0, after[1] - before[1]) : 0,
    postgres: backendCpuBetween(before[2], after[2]) * 1e6,
  };
}

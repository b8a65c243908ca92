import { readFile } from 'node:fs/promises';
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

/** The PostgreSQL backends serving one database now (the service's pools keep theirs open). */
export async function databaseBackendPids(url: string): Promise<number[]> {
  return withClient(url, async (c) => {
    const r = await c.query<{ pid: number }>(
      'SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
    );
    return r.rows.map((row) => row.pid);
  });
}

export interface CpuSplit {
  api: number;
  worker: number;
  postgres: number;
}

/**
 * CPU time of the service's processes over `work`, split by process: the api, the worker and the database's
 * backends (those open before and after; a backend that comes and goes within `work` is missed, so pools are
 * warmed first). Unlike req/s, the figure hardly depends on what else the machine is doing.
 */
export async function cpuDuring(
  service: { pid: number; workerPid?: number; db: { url: string } },
  work: () => Promise<void>,
): Promise<CpuSplit> {
  const sample = async (pids: number[]) => {
    const values = await Promise.all(pids.map(processCpuMicros));
    return new Map(pids.map((pid, i) => [pid, values[i]!]));
  };
  const backendsBefore = await databaseBackendPids(service.db.url);
  const before = await sample([service.pid, service.workerPid ?? -1, ...backendsBefore]);
  await work();
  const backends = [...new Set([...backendsBefore, ...(await databaseBackendPids(service.db.url))])];
  const after = await sample([service.pid, service.workerPid ?? -1, ...backends]);
  const delta = (pid: number) => Math.max(0, (after.get(pid) ?? 0) - (before.get(pid) ?? 0));
  return {
    api: delta(service.pid),
    worker: service.workerPid ? delta(service.workerPid) : 0,
    postgres: backends.reduce((sum, pid) => sum + delta(pid), 0),
  };
}

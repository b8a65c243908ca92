import { readFile } from 'node:fs/promises';
import { withClient } from './database';

/** Clock ticks per second of /proc/<pid>/stat (USER_HZ: 100 on every Linux we run on). */
const TICKS = 100;

/** CPU seconds (user + system, all its threads) a process has used so far, from /proc/<pid>/stat; 0 once gone. */
export async function processCpuSeconds(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  // The command name (field 2) may hold spaces: fields are counted after its closing parenthesis.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11] ?? 0) + Number(fields[12] ?? 0)) / TICKS;
}

/** CPU seconds a single-threaded process (a PostgreSQL backend) has used so far, in nanoseconds' precision. */
async function threadCpuSeconds(pid: number): Promise<number> {
  const schedstat = await readFile(`/proc/${pid}/schedstat`, 'utf8').catch(() => '');
  return schedstat ? Number(schedstat.split(' ')[0]) / 1e9 : processCpuSeconds(pid);
}

/** The backends of one database on this machine's PostgreSQL, and the CPU each has used so far. */
export async function backendCpu(url: string): Promise<Map<number, number>> {
  const pids = await withClient(url, async (c) => {
    const { rows } = await c.query<{ pid: number }>(
      'SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
    );
    return rows.map((r) => r.pid);
  });
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

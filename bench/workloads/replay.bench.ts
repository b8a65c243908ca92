import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, startApi } from '../support/api-process';
import { cloneHistory, count, newPartner, writeTemplateHistory } from '../support/seed-events';
import { withClient } from '../support/database';
import { WorkloadSkipped } from '../support/skipped';

/**
 * Replay of all read models from 1,000,000 events (BENCH_REPLAY_EVENTS to try another size) with `npm run replay` (its command from package.json, run
 * directly so that npm's own process is not measured): the store's events over the duration the replay reports
 * (or its wall time),
 * and the peak RSS of its process tree (VmHWM of each process, polled every 100 ms).
 */
const EVENTS = Number(process.env.BENCH_REPLAY_EVENTS ?? 1_000_000);
const TIMEOUT_MS = 30 * 60_000;

async function peakRss(pid: number): Promise<number> {
  // Every descendant of pid, the largest high-water mark among them.
  const children = async (p: number): Promise<number[]> => {
    const raw = await readFile(`/proc/${p}/task/${p}/children`, 'utf8').catch(() => '');
    const direct = raw.trim().split(/\s+/).filter(Boolean).map(Number);
    return [...direct, ...(await Promise.all(direct.map(children))).flat()];
  };
  let max = 0;
  for (const p of [pid, ...(await children(pid))]) {
    const status = await readFile(`/proc/${p}/status`, 'utf8').catch(() => '');
    const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
    max = Math.max(max, kb);
  }
  return max / 1024;
}

export async function runReplayBench(
  log: (m: string) => void,
): Promise<{ results: Record<string, number>; notes: string[] }> {
  const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { scripts?: Record<string, string> };
  const command = pkg.scripts?.replay;
  if (!command) throw new WorkloadSkipped('package.json has no "replay" script');

  const partner = newPartner();
  const api = await startApi({ prefix: 'bench_replay', partners: [partner] });
  const notes: string[] = [];
  try {
    await writeTemplateHistory(api, partner);
    await api.stop({ keepDatabase: true });
    const existing = await withClient(api.db.url, (c) => count(c, 'SELECT count(*) AS n FROM es_events'));
    // Each clone copies the whole template history.
    const sets = Math.ceil((EVENTS - existing) / existing);
    log(`replay: seeding ${sets.toLocaleString('en')} cloned histories`);
    await cloneHistory(api.db.url, { sets, partnerTenantId: partner, log });
    const events = await withClient(api.db.url, (c) => count(c, 'SELECT count(*) AS n FROM es_events'));

    const dataDir = await mkdtemp(join(tmpdir(), 'csp-replay-'));
    log(`replay: ${command} over ${events.toLocaleString('en')} events`);
    const started = performance.now();
    const child = spawn('sh', ['-c', command], {
      cwd: ROOT,
      env: {
        ...process.env,
        PATH: `${join(ROOT, 'node_modules/.bin')}:${process.env.PATH}`,
        DATABASE_URL: api.db.url,
        DATA_DIR: dataDir,
        LOG_LEVEL: 'silent',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (b: Buffer) => (output = (output + b.toString()).slice(-8000)));
    child.stderr.on('data', (b: Buffer) => (output = (output + b.toString()).slice(-8000)));
    let peak = 0;
    const poll = setInterval(() => void peakRss(child.pid!).then((mb) => (peak = Math.max(peak, mb))), 100);
    const timer = setTimeout(() => child.kill('SIGKILL'), TIMEOUT_MS);
    const code = await new Promise<number | null>((r) => child.once('exit', r));
    clearInterval(poll);
    clearTimeout(timer);
    await rm(dataDir, { recursive: true, force: true });
    const wallSeconds = (performance.now() - started) / 1000;
    if (code !== 0) throw new Error(`replay exited with ${code}: ${output.trim().slice(-1500)}`);
    const reported = /replay: (\d+) events in ([\d.]+) s/.exec(output);
    // The store's own count over the replay's reported duration (its count is what it applied, which may differ).
    const eps = events / (reported ? Number(reported[2]) : wallSeconds);
    notes.push(
      `replay: ${events} events in the store; ${reported ? `the replay reported ${reported[1]} events in ${reported[2]} s` : 'no summary line'}; ` +
        `${wallSeconds.toFixed(1)} s wall including start-up`,
    );
    return { results: { replay_eps: Math.round(eps), replay_peak_rss_mb: Math.round(peak) }, notes };
  } finally {
    await api.stop();
  }
}

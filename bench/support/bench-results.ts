import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';

/** bench/results.json: a flat object of figures. */
export type BenchResults = Record<string, number>;

/** What one workload's last run was measured under, in bench/results.meta.json. */
export interface WorkloadRunMeta {
  date: string;
  node: string;
  cores: number;
  loadAverageBefore: number[];
  loadAverageAfter: number[];
  notes: string[];
  skipped?: string;
  failed?: string;
}

export interface BenchMeta {
  updated: string;
  /** Per workload, its latest run: a run of one workload leaves the others' context as it was. */
  workloads: Record<string, WorkloadRunMeta>;
}

/**
 * The new results.json. `attempted`: the keys of the workloads this run tried; their old figures go
 * (a workload that now fails or is skipped leaves no stale figure), the figures measured now come in,
 * every other key keeps its figure. Keys in `order` come first, in that order, then any others sorted:
 * a re-run changes the lines of its own figures only.
 */
export function mergeBenchResults(
  previous: BenchResults,
  measured: BenchResults,
  attempted: Iterable<string>,
  order: readonly string[] = [],
): BenchResults {
  const merged: BenchResults = {};
  const dropped = new Set(attempted);
  for (const [k, v] of Object.entries(previous)) {
    if (!dropped.has(k) && typeof v === 'number' && Number.isFinite(v)) merged[k] = v;
  }
  for (const [k, v] of Object.entries(measured)) {
    if (Number.isFinite(v)) merged[k] = v;
  }
  const rank = new Map(order.map((k, i) => [k, i]));
  const keys = Object.keys(merged).sort((a, b) => {
    const ra = rank.get(a) ?? Infinity;
    const rb = rank.get(b) ?? Infinity;
    return ra !== rb ? ra - rb : a.localeCompare(b);
  });
  return Object.fromEntries(keys.map((k) => [k, merged[k]!]));
}

/** The new results.meta.json: this run's workloads replace their own entries; the rest (and their order) stay. */
export function mergeBenchMeta(previous: unknown, runs: Record<string, WorkloadRunMeta>, now: Date): BenchMeta {
  const old =
    typeof previous === 'object' && previous !== null && typeof (previous as BenchMeta).workloads === 'object'
      ? ((previous as BenchMeta).workloads as unknown)
      : undefined;
  // An older format (a list of workload names) holds no per-workload context worth keeping.
  const kept = old && !Array.isArray(old) ? (old as Record<string, WorkloadRunMeta>) : {};
  return { updated: now.toISOString(), workloads: { ...kept, ...runs } };
}

/** Prettier's own CLI, the one `prettier --check` runs (its API loads ES modules, which Jest's sandbox cannot). */
export function runPrettier(args: string[], input: string): Promise<{ code: number; stdout: string }> {
  const cli = join(dirname(require.resolve('prettier/package.json')), 'bin', 'prettier.cjs');
  return new Promise((resolve, reject) => {
    const child = execFile(process.execPath, [cli, ...args], (error, stdout) => {
      const code = (error as { code?: unknown } | null)?.code;
      if (error && typeof code !== 'number') reject(error);
      else resolve({ code: typeof code === 'number' ? code : 0, stdout });
    });
    child.stdin?.end(input);
  });
}

/** JSON exactly as Prettier writes it at `filepath` (its config included), so `prettier --check` passes after any bench run. */
export async function formatJson(value: unknown, filepath: string): Promise<string> {
  const { code, stdout } = await runPrettier(['--stdin-filepath', filepath], JSON.stringify(value, null, 2));
  if (code !== 0) throw new Error(`prettier could not format ${filepath} (exit ${code})`);
  return stdout;
}

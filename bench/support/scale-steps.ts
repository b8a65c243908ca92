/** The sizes the scale workload grows its store through: BENCH_SCALE_STEPS, say "10k,1m,10m". */
export interface ScaleStep {
  /** The key suffix: 10k, 1m, 10m. */
  label: string;
  events: number;
}

export const DEFAULT_SCALE_STEPS = '10k,1m,10m';

const UNITS: Record<string, number> = { '': 1, k: 1_000, m: 1_000_000 };

/** Parses "10k,1m,10m": growing sizes, each a whole number of events, in the order given. */
export function parseScaleSteps(text: string): ScaleStep[] {
  const steps = text
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean)
    .map((label) => {
      const m = /^(\d+)([km]?)$/.exec(label);
      if (!m) throw new Error(`BENCH_SCALE_STEPS: "${label}" is not a size such as 10k or 1m`);
      const events = Number(m[1]) * UNITS[m[2]!]!;
      if (events < 1) throw new Error(`BENCH_SCALE_STEPS: "${label}" is empty`);
      return { label, events };
    });
  if (steps.length === 0) throw new Error('BENCH_SCALE_STEPS names no step');
  steps.forEach((s, i) => {
    if (i > 0 && s.events <= steps[i - 1]!.events)
      throw new Error(`BENCH_SCALE_STEPS: the store only grows, "${s.label}" follows "${steps[i - 1]!.label}"`);
  });
  return steps;
}

/** Each step's figure as a ratio of the first step's (the curve), two decimals: "1m 0.97, 10m 0.91". */
export function curve(figures: ReadonlyArray<{ label: string; value: number | undefined }>): string {
  const base = figures[0]?.value;
  if (base === undefined || !Number.isFinite(base) || base === 0) return 'no base figure';
  if (figures.length < 2) return 'one step only';
  return figures
    .slice(1)
    .map((f) => `${f.label} ${f.value === undefined ? '—' : (f.value / base).toFixed(2)}`)
    .join(', ');
}

import { join } from 'node:path';
import { formatJson, mergeBenchMeta, mergeBenchResults, runPrettier, type WorkloadRunMeta } from './bench-results';

const run = (notes: string[] = [], extra: Partial<WorkloadRunMeta> = {}): WorkloadRunMeta => ({
  date: '2026-12-04T20:00:00.000Z',
  node: 'v24.0.0',
  cores: 2,
  loadAverageBefore: [0.5, 0.4, 0.3],
  loadAverageAfter: [1.25, 0.75, 0.5],
  notes,
  ...extra,
});

describe('mergeBenchResults', () => {
  const order = ['store_a', 'store_b', 'http_rps', 'lag_p99'];

  it('given figures of every workload, when one workload is re-run, then only its figures change', () => {
    const previous = { store_a: 1, store_b: 2, http_rps: 3, lag_p99: 4 };
    const merged = mergeBenchResults(previous, { http_rps: 30 }, ['http_rps'], order);
    expect(merged).toEqual({ store_a: 1, store_b: 2, http_rps: 30, lag_p99: 4 });
    expect(Object.keys(merged)).toEqual(order);
  });

  it('given a workload that now fails, when merged, then its stale figures are gone and the others stay', () => {
    const merged = mergeBenchResults({ store_a: 1, http_rps: 3 }, {}, ['http_rps'], order);
    expect(merged).toEqual({ store_a: 1 });
  });

  it('given keys outside the known order, when merged, then they follow the known ones, sorted', () => {
    const merged = mergeBenchResults({ zeta: 1, alpha: 2 }, { lag_p99: 5 }, ['lag_p99'], order);
    expect(Object.keys(merged)).toEqual(['lag_p99', 'alpha', 'zeta']);
  });

  it('given a non-finite figure, when merged, then it is left out', () => {
    expect(mergeBenchResults({}, { store_a: NaN, store_b: 2 }, ['store_a', 'store_b'], order)).toEqual({ store_b: 2 });
  });
});

describe('mergeBenchMeta', () => {
  const now = new Date('2026-12-04T21:00:00.000Z');

  it('given the context of earlier runs, when one workload is re-run, then the others keep theirs', () => {
    const previous = { updated: 'x', workloads: { store: run(['old store']), http: run(['old http']) } };
    const merged = mergeBenchMeta(previous, { http: run(['new http']) }, now);
    expect(merged.updated).toBe(now.toISOString());
    expect(merged.workloads.store!.notes).toEqual(['old store']);
    expect(merged.workloads.http!.notes).toEqual(['new http']);
    expect(Object.keys(merged.workloads)).toEqual(['store', 'http']);
  });

  it('given no file or the older format, when merged, then only this run is kept', () => {
    expect(Object.keys(mergeBenchMeta(undefined, { lag: run() }, now).workloads)).toEqual(['lag']);
    const older = { date: 'x', workloads: ['store', 'http'], notes: ['a'] };
    expect(Object.keys(mergeBenchMeta(older, { lag: run() }, now).workloads)).toEqual(['lag']);
  });
});

describe('formatJson', () => {
  it('is checked by a prettier that can fail: the layout of JSON.stringify is refused', async () => {
    const filepath = join(__dirname, '..', 'results.meta.json');
    const raw = `${JSON.stringify({ loadAverage: [1, 2, 3] }, null, 2)}\n`;
    expect((await runPrettier(['--check', '--stdin-filepath', filepath], raw)).code).not.toBe(0);
  });

  it('writes what prettier --check accepts, for the results and the meta file', async () => {
    for (const [name, value] of [
      ['results.json', mergeBenchResults({ store_a: 6392.5 }, { http_rps: 943 }, ['http_rps'])],
      ['results.meta.json', mergeBenchMeta(undefined, { store: run(['a note'], { failed: 'why' }) }, new Date(0))],
    ] as const) {
      const filepath = join(__dirname, '..', name);
      const text = await formatJson(value, filepath);
      expect(await runPrettier(['--check', '--stdin-filepath', filepath], text)).toEqual({ code: 0, stdout: '' });
      expect(JSON.parse(text)).toEqual(value);
    }
  });
});

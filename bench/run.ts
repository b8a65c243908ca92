/**
 * `npm run bench` — every workload of issue 6, a table, and bench/results.json (a flat object of numbers).
 *   npm run bench                     all workloads
 *   npm run bench -- store http       some of them (store, http, lag, propagation, activity, replay, audit, keypool, webhooks, peers, scale)
 *   npm run bench -- store --store embedded
 * Needs the machine's PostgreSQL (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/postgres) and
 * Redis (BENCH_REDIS_URL, default redis://127.0.0.1:6379); sends traffic to 127.0.0.1 only. Everything it
 * creates (databases, temp dirs, the service's child process) is removed at the end.
 * A run of some workloads merges into results.json: their figures are replaced, the others' kept. A workload
 * whose feature is missing prints "skipped: <why>" and leaves its keys out; each workload's context (load
 * average, skips, notes) goes to bench/results.meta.json. Both files are written in Prettier's format.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { runStoreBench } from './store.bench';
import { runActivityBench } from './workloads/activity.bench';
import { runHttpBench } from './workloads/http.bench';
import { runLagBench } from './workloads/lag.bench';
import { runPropagationBench } from './workloads/propagation.bench';
import { runReplayBench } from './workloads/replay.bench';
import { runKeypoolBench } from './workloads/keypool.bench';
import { runAuditBench } from './workloads/audit.bench';
import { runWebhooksBench } from './workloads/webhooks.bench';
import { runPeersBench } from './workloads/peers.bench';
import { runScaleBench, SCALE_FIGURES, SCALE_LABELS } from './workloads/scale.bench';
import { formatJson, mergeBenchMeta, mergeBenchResults, type WorkloadRunMeta } from './support/bench-results';
import { WorkloadSkipped } from './support/skipped';

type Outcome = { results: Record<string, number>; notes: string[] };
type Workload = { keys: string[]; run: (log: (m: string) => void) => Promise<Outcome> };

const STORE_KEYS = ['store_append_new_eps', 'store_append_existing_eps', 'store_read_stream_sps', 'store_read_all_eps'];

/** Targets of issue 6, for the table: [comparison, value]. */
const TARGETS: Record<string, ['≥' | '<', number]> = {
  store_append_new_eps: ['≥', 6000],
  store_read_all_eps: ['≥', 200_000],
  http_place_order_rps: ['≥', 3000],
  http_place_order_p99_ms: ['<', 50],
  projection_lag_p99_ms: ['<', 100],
  propagation_p99_ms: ['<', 2000],
  replay_eps: ['≥', 50_000],
  replay_peak_rss_mb: ['<', 300],
  activity_log_p99_ms: ['<', 50],
  audit_export_peak_rss_mb: ['<', 200],
  audit_place_order_cost_pct: ['<', 2],
  audit_place_order_cpu_cost_pct: ['<', 2],
  // Issue 18: ours against the machine's limits, measured in the same run.
  peers_append_vs_insert: ['≥', 0.75],
  peers_read_all_vs_select: ['≥', 0.8],
  peers_append_vs_emmett: ['≥', 2],
  peers_read_all_vs_emmett: ['≥', 4],
  peers_place_order_vs_peer: ['≥', 0.8],
  peers_place_order_p99_vs_peer: ['<', 1.25],
  peers_ours_cpu_us_per_order_api: ['<', 400],
};

function parseArgs(argv: string[]): { names: string[]; store: 'postgres' | 'embedded' } {
  const names: string[] = [];
  let store: 'postgres' | 'embedded' = 'postgres';
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--store') {
      const v = argv[++i];
      if (v !== 'postgres' && v !== 'embedded') throw new Error('--store takes postgres or embedded');
      store = v;
    } else if (a.startsWith('--store=')) {
      const v = a.slice('--store='.length);
      if (v !== 'postgres' && v !== 'embedded') throw new Error('--store takes postgres or embedded');
      store = v;
    } else names.push(a);
  }
  return { names, store };
}

async function main(): Promise<void> {
  const { names, store } = parseArgs(process.argv.slice(2));
  const prefix = store === 'embedded' ? 'embedded_' : '';
  const workloads: Record<string, Workload> = {
    store: {
      keys: STORE_KEYS.map((k) => prefix + k),
      run: async () => {
        const r = await runStoreBench({ store });
        return { results: Object.fromEntries(Object.entries(r).map(([k, v]) => [prefix + k, v])), notes: [] };
      },
    },
    http: {
      keys: [
        'http_place_order_rps',
        'http_place_order_p50_ms',
        'http_place_order_p99_ms',
        'http_reveal_key_rps',
        'http_list_software_rps',
      ],
      run: runHttpBench,
    },
    lag: { keys: ['projection_lag_p50_ms', 'projection_lag_p99_ms'], run: runLagBench },
    propagation: { keys: ['propagation_p50_ms', 'propagation_p99_ms'], run: runPropagationBench },
    activity: { keys: ['activity_log_p99_ms'], run: runActivityBench },
    replay: { keys: ['replay_eps', 'replay_peak_rss_mb'], run: runReplayBench },
    audit: {
      keys: [
        'audit_hashing_eps',
        'audit_hashing_cpu_us_per_event',
        'audit_producer_cpu_us_per_event',
        'audit_export_eps',
        'audit_export_peak_rss_mb',
        'audit_export_rss_growth_mb',
        'audit_place_order_rps_producer_off',
        'audit_place_order_rps_producer_on',
        'audit_place_order_cost_pct',
        'audit_place_order_cpu_ms_producer_off',
        'audit_place_order_cpu_ms_producer_on',
        'audit_place_order_cpu_cost_pct',
      ],
      run: runAuditBench,
    },
    keypool: {
      keys: [
        'keypool_import_keys_per_s',
        'keypool_import_peak_rss_mb',
        'keypool_first_reveal_pool_rps',
        'keypool_first_reveal_derived_rps',
        'keypool_reveal_pool_rps',
        'keypool_reveal_derived_rps',
      ],
      run: runKeypoolBench,
    },
    webhooks: {
      keys: ['webhook_deliveries_per_s', 'webhook_lag_p50_ms', 'webhook_lag_p99_ms'],
      run: runWebhooksBench,
    },
    peers: {
      keys: [
        'peers_store_append_eps',
        'peers_plain_insert_eps',
        'peers_append_vs_insert',
        'peers_store_read_all_eps',
        'peers_plain_select_eps',
        'peers_read_all_vs_select',
        'peers_emmett_append_eps',
        'peers_emmett_read_all_eps',
        'peers_append_vs_emmett',
        'peers_read_all_vs_emmett',
        'peers_ours_place_order_rps',
        'peers_ours_place_order_p99_ms',
        'peers_place_order_rps',
        'peers_place_order_p99_ms',
        'peers_place_order_vs_peer',
        'peers_place_order_p99_vs_peer',
        'peers_ours_cpu_us_per_order_api',
        'peers_ours_cpu_us_per_order_worker',
        'peers_ours_cpu_us_per_order_postgres',
        'peers_peer_cpu_us_per_order_api',
        'peers_peer_cpu_us_per_order_postgres',
      ],
      run: runPeersBench,
    },
    // BENCH_SCALE_STEPS=10k,1m limits the steps; each figure per step (its key ends in the step).
    scale: { keys: SCALE_FIGURES.flatMap((f) => SCALE_LABELS.map((l) => `${f}_${l}`)), run: runScaleBench },
  };
  const unknown = names.filter((n) => !(n in workloads));
  if (unknown.length)
    throw new Error(`unknown workload(s) ${unknown.join(', ')}; known: ${Object.keys(workloads).join(', ')}`);
  // A full run also measures the store on the embedded PostgreSQL.
  const selected = names.length ? names : Object.keys(workloads);
  // Named as a full run names them, so each keeps one entry in results.meta.json.
  const runs: [string, Workload][] = selected.map((n) => [
    n === 'store' && store === 'embedded' ? 'store --store embedded' : n,
    workloads[n]!,
  ]);
  if (!names.length && store === 'postgres') {
    runs.splice(1, 0, [
      'store --store embedded',
      {
        keys: STORE_KEYS.map((k) => `embedded_${k}`),
        run: async () => {
          const r = await runStoreBench({ store: 'embedded' });
          return { results: Object.fromEntries(Object.entries(r).map(([k, v]) => [`embedded_${k}`, v])), notes: [] };
        },
      },
    ]);
  }

  const loadBefore = loadavg();
  console.log(
    `bench: ${runs.map(([n]) => n).join(', ')} — ${cpus().length} cores, load average ${loadBefore.map((l) => l.toFixed(2)).join(' ')}`,
  );
  const results: Record<string, number> = {};
  const skipped: Record<string, string> = {};
  const failed: Record<string, string> = {};
  const runMeta: Record<string, WorkloadRunMeta> = {};
  const attemptedKeys = new Set<string>();
  for (const [name, w] of runs) {
    const t0 = Date.now();
    const meta: WorkloadRunMeta = {
      date: new Date(t0).toISOString(),
      node: process.version,
      cores: cpus().length,
      loadAverageBefore: loadavg(),
      loadAverageAfter: [],
      notes: [],
    };
    console.log(`\n▶ ${name}`);
    try {
      const out = await w.run((m) => console.log(`  ${m}`));
      for (const k of w.keys) {
        const v = out.results[k];
        if (typeof v === 'number' && Number.isFinite(v)) results[k] = v;
      }
      meta.notes.push(...out.notes);
      out.notes.forEach((n) => console.log(`  note: ${n}`));
      console.log(`  done in ${((Date.now() - t0) / 1000).toFixed(0)} s, load average ${loadavg()[0]!.toFixed(2)}`);
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      if (error instanceof WorkloadSkipped) {
        skipped[name] = meta.skipped = why;
        console.log(`  skipped: ${why}`);
      } else {
        failed[name] = meta.failed = why;
        console.log(`  FAILED: ${why}`);
      }
    }
    meta.loadAverageAfter = loadavg();
    runMeta[name] = meta;
    w.keys.forEach((k) => attemptedKeys.add(k));
  }

  // A partial run replaces its own figures only; a full run starts afresh.
  const file = join(__dirname, 'results.json');
  const metaFile = join(__dirname, 'results.meta.json');
  const readJson = async (f: string): Promise<unknown> =>
    names.length ? JSON.parse(await readFile(f, 'utf8').catch(() => '{}')) : {};
  const order = [
    ...STORE_KEYS,
    ...STORE_KEYS.map((k) => `embedded_${k}`),
    ...Object.entries(workloads).flatMap(([n, w]) => (n === 'store' ? [] : w.keys)),
  ];
  const merged = mergeBenchResults((await readJson(file)) as Record<string, number>, results, attemptedKeys, order);
  await writeFile(file, await formatJson(merged, file));
  await writeFile(metaFile, await formatJson(mergeBenchMeta(await readJson(metaFile), runMeta, new Date()), metaFile));
  const loadAfter = loadavg();

  console.log('\n| key | value | target |\n|---|---:|---|');
  for (const [, w] of runs) {
    for (const k of w.keys) {
      const v = results[k];
      const target = TARGETS[k.replace(/^embedded_/, '')];
      const met = v === undefined || !target ? '' : (target[0] === '≥' ? v >= target[1] : v < target[1]) ? ' ✓' : ' ✗';
      console.log(
        `| ${k} | ${v === undefined ? '—' : v.toLocaleString('en')} | ${target ? `${target[0]} ${target[1].toLocaleString('en')}${met}` : ''} |`,
      );
    }
  }
  for (const [n, why] of Object.entries(skipped)) console.log(`skipped ${n}: ${why}`);
  for (const [n, why] of Object.entries(failed)) console.log(`FAILED ${n}: ${why}`);
  console.log(
    `load average before ${loadBefore.map((l) => l.toFixed(2)).join(' ')}, after ${loadAfter.map((l) => l.toFixed(2)).join(' ')}`,
  );
  console.log(`wrote ${file}`);
  if (Object.keys(failed).length) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(`bench failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});

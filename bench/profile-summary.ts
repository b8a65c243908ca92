/**
 * Where a `node --cpu-prof` profile's time went: self time by package (node_modules/<pkg>, node's own, ours by
 * file), by function, and inclusive time of the functions named with --stage (a sample counts once per stage
 * whose function is on its stack), all as % of the profile's samples outside idle/GC-free program time.
 *   npx tsx bench/profile-summary.ts CPU.….cpuprofile [--top 40] [--stage name ...]
 */
import { readFileSync } from 'node:fs';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  startTime: number;
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
}

const args = process.argv.slice(2);
const file = args[0]!;
const top = Number(args[args.indexOf('--top') + 1] || 40);
/** Seconds from the profile's start to leave out (start-up and warm-up). */
const skip = Number(args[args.indexOf('--skip') + 1] || 0) * 1e6;
const stages = args.flatMap((a, i) => (args[i - 1] === '--stage' ? [a] : []));
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

function where(url: string): string {
  // Our compiled code (a bench build lives under node_modules/.cache/…/dist/).
  const dist = url.indexOf('/dist/');
  if (dist >= 0) return `ours ${url.slice(dist + 6)}`;
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 'node_modules/'.length).split('/');
    return `pkg ${rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]}`;
  }
  if (url.startsWith('node:')) return 'node';
  if (!url) return 'native';
  return `ours ${url}`;
}

/** Pipeline stages of a request, by the leaf-most frame on the stack that names one (first rule that matches). */
const STAGES: [string, RegExp][] = [
  ['validation: class-validator/transformer', /class-validator|class-transformer|validation\.pipe|\/validator\//],
  ['auth: token', /auth\.guard|jwt-verifier|\/jose\/|roles\.guard/],
  ['rate limit', /rate-limit|rate-limiter-flexible|ioredis/],
  ['access: customer/tenant', /access\.guard|customer-access|tenant-directory|lru-cache/],
  ['idempotency', /idempotency/],
  ['partner-center keys interceptor', /partner-center-keys/],
  ['errors: problem details/scrub', /problem-details|scrub-secrets|error-mapping/],
  ['request context/logging', /request-context|pino|logging/],
  ['metrics', /metrics|prom-client/],
  ['decide (domain)', /libs\/domain\//],
  ['response fold (order view)', /order\.view|order-etag|position-header/],
  [
    'event store: append/ids (+pg driver)',
    /libs\/event-store\/|libs\/event-sourcing\/|\/pg\/|pg-pool|pg-protocol|pg-types|\/uuid\//,
  ],
  ['handler/controller', /orders\.controller|place-order/],
  ['cqrs command bus', /@nestjs\/cqrs/],
  ['rxjs (interceptor plumbing)', /\/rxjs\//],
  ['nest router/guards/pipes plumbing', /@nestjs\/core|@nestjs\/common|@nestjs\/platform-fastify|reflect-metadata/],
  ['body parse', /content-type-parser|secure-json-parse|json-body\.parser|json-depth/],
  ['fastify request/reply', /\/fastify\/|find-my-way|fast-json-stringify|light-my-request|avvio/],
  ['node http', /node:_http|node:net|node:internal\/http|node:internal\/stream/],
];
const byStage = new Map<string, number>();
const stageFunctions = new Map<string, number>();

const self = new Map<string, number>();
const byFunction = new Map<string, number>();
const inclusive = new Map<string, number>();
let total = 0;
let idle = 0;
let at = 0;
const busyPerFive = new Map<number, number>();
for (let i = 0; i < profile.samples.length; i++) {
  const node = byId.get(profile.samples[i]!)!;
  const dt = profile.timeDeltas[i] ?? 0;
  at += dt;
  const bucket = Math.floor(at / 5e6) * 5;
  if (!['(idle)', '(program)'].includes(node.callFrame.functionName))
    busyPerFive.set(bucket, (busyPerFive.get(bucket) ?? 0) + dt);
  if (at < skip) continue;
  const name = node.callFrame.functionName;
  if (name === '(idle)' || name === '(program)') {
    idle += dt;
    continue;
  }
  total += dt;
  const place = name === '(garbage collector)' ? 'gc' : where(node.callFrame.url);
  self.set(place, (self.get(place) ?? 0) + dt);
  const fn = `${name || '(anonymous)'} ${place}:${node.callFrame.lineNumber + 1}`;
  byFunction.set(fn, (byFunction.get(fn) ?? 0) + dt);
  let stage = name === '(garbage collector)' ? 'gc' : name === 'writev' ? 'socket writev (wall, not CPU)' : '';
  for (let id: number | undefined = node.id; !stage && id !== undefined; id = parent.get(id)) {
    const frame = byId.get(id)!.callFrame;
    stage = STAGES.find(([, re]) => re.test(frame.url))?.[0] ?? '';
  }
  byStage.set(stage || 'other', (byStage.get(stage || 'other') ?? 0) + dt);
  const inStage = `${stage || 'other'} | ${name || '(anonymous)'} ${where(node.callFrame.url)}:${node.callFrame.lineNumber + 1}`;
  stageFunctions.set(inStage, (stageFunctions.get(inStage) ?? 0) + dt);
  const seen = new Set<string>();
  for (let id: number | undefined = node.id; id !== undefined; id = parent.get(id)) {
    const frame = byId.get(id)!.callFrame;
    for (const stage of stages) {
      if (!seen.has(stage) && `${frame.functionName} ${frame.url}`.includes(stage)) {
        seen.add(stage);
        inclusive.set(stage, (inclusive.get(stage) ?? 0) + dt);
      }
    }
  }
}

const pct = (us: number) => `${((100 * us) / total).toFixed(1).padStart(5)}%`;
const print = (title: string, m: Map<string, number>, n = top) => {
  console.log(`\n${title}`);
  for (const [k, v] of [...m].sort((a, b) => b[1] - a[1]).slice(0, n)) console.log(`${pct(v)}  ${k}`);
};
console.log(`busy s per 5 s: ${[...busyPerFive].map(([t, v]) => `${t}:${(v / 1e6).toFixed(1)}`).join(' ')}`);
console.log(`${file}: busy ${(total / 1e6).toFixed(2)} s, idle/program ${(idle / 1e6).toFixed(2)} s`);
print('by pipeline stage (leaf-most frame that names one)', byStage);
print('self time by place', self);
print('self time by function', byFunction);
if (args.includes('--stage-functions')) print('self time by stage and function', stageFunctions, top);
if (stages.length) print('inclusive time by stage (overlapping)', inclusive, stages.length);

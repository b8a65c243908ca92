import { createRequire } from 'node:module';

/** The part of autocannon's result we report (the package ships no typings). */
export interface AutocannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number; average: number };
  non2xx: number;
  errors: number;
  timeouts: number;
  duration: number;
}

export interface AutocannonRequest {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string;
  setupRequest?: (req: AutocannonRequest, context: Record<string, unknown>) => AutocannonRequest;
}

export interface AutocannonOptions {
  url: string;
  connections: number;
  duration: number;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  requests?: AutocannonRequest[];
}

type Autocannon = (opts: AutocannonOptions) => Promise<AutocannonResult>;
const autocannon = createRequire(__filename)('autocannon') as Autocannon;

/** Only loopback: the bench never sends traffic elsewhere. */
export async function cannon(opts: AutocannonOptions): Promise<AutocannonResult> {
  if (!/^http:\/\/127\.0\.0\.1:\d+\//.test(opts.url)) throw new Error(`refusing to load ${opts.url}: 127.0.0.1 only`);
  return autocannon(opts);
}

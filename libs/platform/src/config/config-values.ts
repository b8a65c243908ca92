// Reading one setting: whole numbers, flags, URLs and paths, each refused with one line naming the variable.
import { isAbsolute, resolve } from 'node:path';
import { ConfigError } from './config.error';

export type Env = Record<string, string | undefined>;
/** A setting's trimmed value; undefined when unset or blank. */
export type Get = (name: string) => string | undefined;

/** Reads settings from an environment: trimmed, blank as unset. */
export const settingsOf =
  (env: Env): Get =>
  (name) => {
    const v = env[name]?.trim();
    return v === undefined || v === '' ? undefined : v;
  };

export function int(get: Get, name: string, fallback: number, min: number, max: number): number {
  const raw = get(name);
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw))
    throw new ConfigError(name, `must be a whole number between ${min} and ${max} (got "${raw}")`);
  const n = Number(raw);
  if (n < min || n > max) throw new ConfigError(name, `must be between ${min} and ${max} (got ${raw})`);
  return n;
}

export function bool(get: Get, name: string, fallback: boolean): boolean {
  const raw = get(name)?.toLowerCase();
  if (raw === undefined) return fallback;
  if (['1', 'true', 'yes'].includes(raw)) return true;
  if (['0', 'false', 'no'].includes(raw)) return false;
  throw new ConfigError(name, `must be true or false (got "${raw}")`);
}

/**
 * URLs may carry passwords, so a bad one is described, never echoed. With `multiHost`, a list of hosts
 * (`kurrentdb://node1:2113,node2:2113,node3:2113?tls=false`, KurrentDB's cluster form) is accepted when every host is.
 */
export function url(
  get: Get,
  name: string,
  schemes: string[],
  echo: boolean,
  options: { multiHost?: boolean } = {},
): string | undefined {
  const raw = get(name);
  if (raw === undefined) return undefined;
  const expected = schemes.map((s) => `${s}//`).join(' or ');
  for (const one of options.multiHost ? eachHost(raw) : [raw]) {
    let parsed: URL;
    try {
      parsed = new URL(one);
    } catch {
      throw new ConfigError(name, `is not a valid URL${echo ? ` (got "${raw}")` : ''}; expected ${expected}...`);
    }
    if (!schemes.includes(parsed.protocol)) {
      throw new ConfigError(name, `must start with ${expected} (got "${parsed.protocol}//")`);
    }
  }
  return raw;
}

/** `scheme://[auth@]h1:p1,h2:p2[/…]` as one URL per host. */
function eachHost(raw: string): string[] {
  const m = /^([a-z][a-z0-9+.-]*:\/\/)([^@/?#]*@)?([^/?#]*)(.*)$/i.exec(raw);
  if (!m || !m[3]!.includes(',')) return [raw];
  return m[3]!.split(',').map((host) => `${m[1]}${m[2] ?? ''}${host}${m[4]}`);
}

export function absolute(path: string, cwd: string): string {
  return isAbsolute(path) ? path : resolve(cwd, path);
}

#!/usr/bin/env node
/**
 * The auditor's offline check of the audit trail (README "Verifying the audit trail"):
 *   npm run verify-audit -- --events export.ndjson --digests digests.json --keys keys.json
 *   npm run verify-audit -- --url https://orders.example.com --token <Auditor JWT> [--log system]
 * Exit 0: one-line summary; 1: the first discrepancy (which digest, which position, what differs); 2: could not
 * verify (bad arguments, unreadable input). Imports no Nest module: the capability's pure verification code only.
 */
import { createReadStream, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { SingleBar } from 'cli-progress';
import { Command } from 'commander';
import { type ProofSource, verifyAuditTrail } from '@csp/capabilities/audit-trail/verification';

interface Options {
  events?: string;
  digests?: string;
  keys?: string;
  url?: string;
  token?: string;
  log?: string;
}

class UsageError extends Error {}

const readJson = (file: string): unknown => {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new UsageError(`cannot read ${file}: ${(error as Error).message}`);
  }
};

/** The service's answers, with the Auditor's token. */
function service(base: string, token: string, log?: string) {
  const url = (path: string, query: Record<string, string | number> = {}): string => {
    const u = new URL(path, base.endsWith('/') ? base : `${base}/`);
    for (const [k, v] of Object.entries({ ...query, ...(log ? { log } : {}) })) u.searchParams.set(k, String(v));
    return u.toString();
  };
  const get = async (target: string): Promise<Response> => {
    const res = await fetch(target, { headers: { authorization: `Bearer ${token}` } });
    if (!res.ok) throw new UsageError(`GET ${target} answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
    return res;
  };
  const json = async (target: string): Promise<any> => (await get(target)).json(); // eslint-disable-line @typescript-eslint/no-explicit-any
  return {
    keys: () => json(url('v1/audit/keys')),
    async digests(): Promise<unknown[]> {
      const all: unknown[] = [];
      let next: string | undefined = url('v1/audit/digests', { size: 1000 });
      while (next) {
        const page = await json(next);
        all.push(...page.items);
        next = page.links?.next?.uri ? new URL(page.links.next.uri, base).toString() : undefined;
      }
      return all;
    },
    async events(): Promise<AsyncIterable<string>> {
      const res = await get(url('v1/events/export'));
      if (!res.body) throw new UsageError('the export answered no body');
      return createInterface({ input: Readable.fromWeb(res.body as never), crlfDelay: Infinity });
    },
    proofs: {
      async inclusion(eventId: string, treeSize: number) {
        const res = await fetch(url('v1/audit/proofs/inclusion', { eventId, treeSize }), {
          headers: { authorization: `Bearer ${token}` },
        });
        return res.ok ? ((await res.json()) as { leafIndex: number; auditPath: string[] }) : undefined;
      },
      async consistency(first: number, second: number) {
        return ((await json(url('v1/audit/proofs/consistency', { first, second }))) as { consistencyPath: string[] })
          .consistencyPath;
      },
    } satisfies ProofSource,
  };
}

export async function runVerifyAudit(
  argv: string[],
  print: (line: string) => void = (l) => console.log(l),
): Promise<number> {
  const program = new Command()
    .name('verify-audit')
    .description('Verify the audit trail: digest signatures, the chain, roots rebuilt from the export, consistency')
    .option('--events <file>', 'the NDJSON export (GET /v1/events/export)')
    .option('--digests <file>', 'the digests (GET /v1/audit/digests: the items, or the collections)')
    .option('--keys <file>', 'the public keys (GET /v1/audit/keys)')
    .option('--url <base>', 'fetch all three from a running service instead')
    .option('--token <jwt>', "an Auditor's token for --url")
    .option('--log <name>', "with --url: 'system' verifies the system log instead of the token's tenant")
    .exitOverride()
    .showHelpAfterError();
  program.parse(argv);
  const o = program.opts<Options>();

  let input: { digests: unknown; keys: unknown; lines: AsyncIterable<string>; proofs?: ProofSource };
  if (o.url) {
    if (!o.token) throw new UsageError('--url needs --token (an Auditor JWT)');
    const api = service(o.url, o.token, o.log);
    input = { keys: await api.keys(), digests: await api.digests(), lines: await api.events(), proofs: api.proofs };
  } else {
    if (!o.events || !o.digests || !o.keys)
      throw new UsageError('give --events, --digests and --keys, or --url and --token');
    const digests = readJson(o.digests);
    const keys = readJson(o.keys);
    const stream = createReadStream(o.events, { encoding: 'utf8' });
    await new Promise<void>((ok, fail) => {
      stream.once('readable', ok);
      stream.once('error', (e) => fail(new UsageError(`cannot read ${o.events}: ${e.message}`)));
    });
    input = { digests, keys, lines: createInterface({ input: stream, crlfDelay: Infinity }) };
  }

  const total = latestTreeSize(input.digests);
  const bar = process.stderr.isTTY
    ? new SingleBar({
        format: 'verify-audit |{bar}| {value}/{total} events | ETA {eta_formatted}',
        stream: process.stderr,
      })
    : undefined;
  bar?.start(total, 0);
  const result = await verifyAuditTrail({ ...input, onProgress: (n) => bar?.update(Math.min(n, total)) });
  bar?.stop();
  print(result.ok ? result.summary : `audit trail NOT verified: ${result.discrepancy}`);
  return result.ok ? 0 : 1;
}

function latestTreeSize(digests: unknown): number {
  const items = Array.isArray(digests) ? digests : ((digests as { items?: unknown[] })?.items ?? []);
  return items.reduce<number>((max, d) => Math.max(max, Number((d as { treeSize?: number }).treeSize) || 0), 0);
}

if (require.main === module) {
  runVerifyAudit(process.argv).then(
    (code) => process.exit(code),
    (error: unknown) => {
      const code = (error as { code?: string }).code;
      if (code === 'commander.helpDisplayed' || code === 'commander.version') process.exit(0);
      console.error(`verify-audit could not verify: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(2);
    },
  );
}

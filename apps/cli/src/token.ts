#!/usr/bin/env node
/**
 * Mints a local HS256 token the API accepts:
 *   npm run token -- --role AdminAgent [--tenant <guid>] --upn <name> [--role X ...] [--sub id] [--ttl 1h]
 * Without --tenant: the development partner (PARTNER_TENANTS' default outside production).
 * The secret is AUTH_JWT_SECRET, else DATA_DIR/jwt-secret (created if missing, as the server does).
 * Imports no Nest module on purpose: tsx runs this file and cannot emit decorator metadata.
 */
import { Command, InvalidArgumentError } from 'commander';
import { isGuid } from '../../../libs/platform/src/auth/principal';
import { ALL_ROLES, isRole } from '../../../libs/platform/src/auth/roles';
import { signLocalToken } from '../../../libs/platform/src/auth/token-signer';
import { ConfigError } from '../../../libs/platform/src/config/config.error';
import { DEV_PARTNER_TENANT } from '../../../libs/platform/src/config/partner-tenants';
import { resolveSecret } from '../../../libs/platform/src/config/local-secret';

const collect = (value: string, previous: string[]): string[] => {
  if (!isRole(value)) throw new InvalidArgumentError(`unknown role; use one of ${ALL_ROLES.join(', ')}`);
  return [...previous, value];
};

const guid = (value: string): string => {
  if (!isGuid(value)) throw new InvalidArgumentError('must be a GUID, e.g. 3f2b8c1e-5d4a-4e7b-9c0d-1a2b3c4d5e6f');
  return value;
};

const ttl = (value: string): string => {
  if (!/^\d+[smhd]$/.test(value)) throw new InvalidArgumentError('use a number with s, m, h or d, e.g. 1h');
  return value;
};

async function main(argv: string[]): Promise<void> {
  const program = new Command()
    .name('token')
    .description('Print a signed HS256 bearer token for local use of the API')
    .option('--tenant <guid>', 'tenant id (tid claim); default: the development partner', guid, DEV_PARTNER_TENANT)
    .requiredOption('--upn <name>', 'user principal name (upn claim)')
    .option('--role <role>', `role (repeatable): ${ALL_ROLES.join(', ')}`, collect, [] as string[])
    .option('--sub <id>', 'subject (sub claim); default: the upn')
    .option('--ttl <duration>', 'lifetime, e.g. 30m, 1h, 7d', ttl, '1h')
    .showHelpAfterError();
  program.parse(argv);
  const opts = program.opts<{ tenant: string; upn: string; role: string[]; sub?: string; ttl: string }>();

  const env = process.env;
  const secret = resolveSecret({
    name: 'AUTH_JWT_SECRET',
    value: env.AUTH_JWT_SECRET?.trim() || undefined,
    dataDir: env.DATA_DIR?.trim() || './data',
    production: env.NODE_ENV === 'production',
    warn: (m) => process.stderr.write(`${m}\n`),
  }).value;

  const token = await signLocalToken(
    { sub: opts.sub ?? opts.upn, upn: opts.upn, tid: opts.tenant, roles: opts.role },
    {
      secret,
      ttl: opts.ttl,
      issuer: env.AUTH_ISSUER?.trim() || undefined,
      audience: env.AUTH_AUDIENCE?.trim() || undefined,
    },
  );
  process.stdout.write(`${token}\n`);
}

main(process.argv).catch((err: unknown) => {
  process.stderr.write(`${err instanceof ConfigError || err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});

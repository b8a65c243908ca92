#!/usr/bin/env node
/**
 * Operator commands:
 *   npm run cli -- partners add <tenant-guid> <name>
 * Registers a partner tenant (PartnerRegistered in partner-<guid>, once) in the event store the service uses
 * (DATABASE_URL, EVENTSTORE_URL, DATA_DIR). The running api sees it on the partner's next request, no restart.
 * Exit 0: registered (or registered already); 1: refused; 2: could not run. Imports no Nest module (tsx runs it).
 *   npm run cli -- keys rewrap
 * Re-wraps every pooled key's data key under the current KEK (the first of KEY_ENCRYPTION_KEYS): resumable,
 * idempotent, with a progress bar and a final count. Exit 0: done; 1: records left under a KEK no longer
 * configured, or failing authentication (listed, not changed).
 */
import { userInfo } from 'node:os';
import { Command, InvalidArgumentError } from 'commander';
import { defaultDomainContext, DomainError } from '@csp/domain';
import { openEventStore } from '@csp/event-sourcing';
import { isGuid } from '../../../libs/platform/src/auth/principal';
import { loadStorageConfig } from '../../../libs/platform/src/config/storage-config';
import { registerPartner } from '../../../libs/capabilities/partners/register-partner/register-partner';
import { rewrapCommand } from './keys-rewrap';

const guid = (value: string): string => {
  if (!isGuid(value))
    throw new InvalidArgumentError('must be a tenant GUID, e.g. 3f2b8c1e-5d4a-4e7b-9c0d-1a2b3c4d5e6f');
  return value.toLowerCase();
};

export async function runCli(
  argv: string[],
  env: NodeJS.ProcessEnv = process.env,
  print: (line: string) => void = (line) => console.log(line),
): Promise<number> {
  let code = 0;
  const program = new Command().name('cli').description('csp-orders operator commands').showHelpAfterError();
  const partners = program.command('partners').description('the partner registry');
  partners
    .command('add')
    .description('register a partner tenant (idempotent)')
    .argument('<tenant>', 'the partner’s tenant GUID (its users’ tid)', guid)
    .argument('<name>', 'the partner’s name')
    .action(async (tenant: string, name: string) => {
      const handle = await openEventStore(loadStorageConfig(env));
      try {
        const operator = `cli:${userInfo().username}`;
        const result = await registerPartner(handle.store, () => defaultDomainContext(new Date()), {
          partnerTenantId: tenant,
          name,
          source: 'cli',
          metadata: { userId: operator, upn: operator, tenantId: tenant },
        });
        print(
          result.written
            ? `partner ${tenant} registered as "${result.partner.name}"`
            : `partner ${tenant} was registered already (as "${result.partner.name}"); nothing written`,
        );
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        print(`refused: ${error.detail}`);
        code = 1;
      } finally {
        await handle.close();
      }
    });
  program
    .command('keys')
    .description('the key pool')
    .command('rewrap')
    .description('re-wrap every data key under the current KEK (resumable, idempotent)')
    .action(async () => {
      code = await rewrapCommand(env, print);
    });
  await program.parseAsync(argv);
  return code;
}

if (require.main === module) {
  runCli(process.argv).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(`cli failed: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(2);
    },
  );
}

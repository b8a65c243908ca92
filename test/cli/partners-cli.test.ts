import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { streamIdOf } from '@csp/domain';
import { openEventStore } from '@csp/event-sourcing';
import { type EventStoreHandle } from '@csp/event-store';
import { createTestDatabase, TestDatabase } from '../support/database';
import { registerCustomer, T0 } from '../projections/projections.fixtures';

const run = promisify(execFile);
const root = join(__dirname, '..', '..');

describe('operator CLI: npm run cli -- partners add <guid> <name>', () => {
  let db: TestDatabase;
  let handle: EventStoreHandle;
  const cli = (args: string[]) =>
    run(join(root, 'node_modules', '.bin', 'tsx'), [join(root, 'apps/cli/src/cli.ts'), ...args], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: db.url },
    });

  beforeAll(async () => {
    db = await createTestDatabase('csp_cli');
    handle = await openEventStore({ databaseUrl: db.url, dataDir: '/nonexistent' });
  });
  afterAll(async () => {
    await handle?.close();
    await db?.drop();
  });

  it('given a new tenant, then one PartnerRegistered; given it again, then nothing more is written', async () => {
    const tenant = randomUUID();
    const first = await cli(['partners', 'add', tenant.toUpperCase(), 'Fabrikam CSP']);
    expect(first.stdout).toContain(`partner ${tenant} registered as "Fabrikam CSP"`);
    const again = await cli(['partners', 'add', tenant, 'Other name']);
    expect(again.stdout).toContain(`partner ${tenant} was registered already (as "Fabrikam CSP"); nothing written`);
    const stream = await handle.store.readStream(streamIdOf('partner', tenant));
    expect(stream.events.map((e) => [e.type, e.data])).toEqual([
      [
        'PartnerRegistered',
        { partnerTenantId: tenant, name: 'Fabrikam CSP', source: 'cli', registeredAt: expect.any(String) },
      ],
    ]);
    expect(stream.events[0]!.metadata.userId).toMatch(/^cli:/);
  });

  it('given a registered customer’s tenant, then it is refused (exit 1) and nothing is written', async () => {
    const customer = randomUUID();
    await handle.store.appendToStream(streamIdOf('customer', customer), [
      registerCustomer(customer, randomUUID(), 'Contoso', 'PL', T0),
    ]);
    const refused = cli(['partners', 'add', customer, 'Contoso']);
    await expect(refused).rejects.toMatchObject({
      code: 1,
      stdout: expect.stringContaining(`refused: The tenant ${customer} is a registered customer`),
    });
    expect((await handle.store.readStream(streamIdOf('partner', customer))).streamExists).toBe(false);
  });

  it('refuses a tenant that is not a GUID and a missing name', async () => {
    await expect(cli(['partners', 'add', 'contoso', 'Contoso'])).rejects.toMatchObject({
      stderr: expect.stringMatching(/must be a tenant GUID/),
    });
    await expect(cli(['partners', 'add', randomUUID()])).rejects.toMatchObject({
      stderr: expect.stringMatching(/missing required argument 'name'/),
    });
  });
});

import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { JwtVerifier, loadConfig } from '@csp/platform';

const run = promisify(execFile);
const root = join(__dirname, '..', '..');
const TID = '3f2b8c1e-5d4a-4e7b-9c0d-1a2b3c4d5e6f';

function cli(args: string[], env: Record<string, string>) {
  const clean = { ...process.env };
  delete clean.AUTH_JWT_SECRET;
  return run(join(root, 'node_modules', '.bin', 'tsx'), [join(root, 'apps/cli/src/token.ts'), ...args], {
    cwd: root,
    env: { ...clean, ...env },
  });
}

describe('token CLI (npx tsx apps/cli/src/token.ts)', () => {
  it('signs with the persisted local secret the server config resolves too', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'token-cli-'));
    const { stdout, stderr } = await cli(
      ['--role', 'AdminAgent', '--role', 'Auditor', '--tenant', TID, '--upn', 'ann@contoso.com', '--ttl', '2h'],
      {
        DATA_DIR: dataDir,
      },
    );
    expect(stderr).toMatch(/generated a local one/);
    const config = loadConfig({ DATA_DIR: dataDir }, { warn: () => undefined });
    expect(config.auth.jwtSecret).toBe(readFileSync(join(dataDir, 'jwt-secret'), 'utf8').trim());
    const principal = await new JwtVerifier({ secret: config.auth.jwtSecret }).verify(stdout.trim());
    expect(principal).toEqual({
      userId: 'ann@contoso.com',
      upn: 'ann@contoso.com',
      tenantId: TID,
      roles: ['AdminAgent', 'Auditor'],
    });
  });

  it('uses AUTH_JWT_SECRET and --sub when given', async () => {
    const secret = 's'.repeat(40);
    const { stdout } = await cli(['--role', 'BillingAdmin', '--tenant', TID, '--upn', 'svc', '--sub', 'svc-1'], {
      AUTH_JWT_SECRET: secret,
      DATA_DIR: mkdtempSync(join(tmpdir(), 'token-cli-')),
    });
    await expect(new JwtVerifier({ secret }).verify(stdout.trim())).resolves.toMatchObject({
      userId: 'svc-1',
      roles: ['BillingAdmin'],
    });
  });

  it('refuses an unknown role and a non-GUID tenant', async () => {
    await expect(cli(['--role', 'Root', '--tenant', TID, '--upn', 'x'], {})).rejects.toMatchObject({
      stderr: expect.stringMatching(/unknown role/),
    });
    await expect(cli(['--role', 'Auditor', '--tenant', 'contoso', '--upn', 'x'], {})).rejects.toMatchObject({
      stderr: expect.stringMatching(/GUID/),
    });
  });
});

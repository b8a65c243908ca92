import { ConfigError } from './config.error';
import { loadStorageConfig } from './storage-config';
import { loadConfig } from './app-config';

describe('loadStorageConfig (the operator CLIs)', () => {
  it('given no settings, then the embedded store under ./data, as the service would use', () => {
    expect(loadStorageConfig({}, '/srv/app')).toEqual({
      databaseUrl: undefined,
      dataDir: '/srv/app/data',
      eventStoreUrl: undefined,
    });
  });

  it('given the settings, then the same values the service reads at start-up', () => {
    const env = {
      DATABASE_URL: ' postgres://u@db/orders ',
      DATA_DIR: 'var',
      EVENTSTORE_URL: 'kurrentdb://es:2113?tls=false',
      AUTH_JWT_SECRET: 'x'.repeat(32),
      KEY_DERIVATION_SECRET: 'x'.repeat(32),
      LINK_SIGNING_SECRET: 'x'.repeat(32),
      WEBHOOK_SECRETS_KEY: 'x'.repeat(32),
    };
    const service = loadConfig(env, { cwd: '/srv/app', warn: () => undefined });
    expect(loadStorageConfig(env, '/srv/app')).toEqual({
      databaseUrl: service.databaseUrl,
      dataDir: service.dataDir,
      eventStoreUrl: service.eventStoreUrl,
    });
  });

  it('given a bad URL, then one ConfigError naming the variable, without echoing it (it may hold a password)', () => {
    const attempt = () => loadStorageConfig({ DATABASE_URL: 'mysql://u:secret@db/x' }, '/srv');
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/DATABASE_URL/);
    expect(attempt).not.toThrow(/secret/);
  });

  it('given a KurrentDB cluster (one host per node), then each host is checked and the string kept whole', () => {
    const cluster = 'kurrentdb://kurrentdb-1:2113,kurrentdb-2:2113,kurrentdb-3:2113?tls=false';
    expect(loadStorageConfig({ EVENTSTORE_URL: cluster }, '/srv').eventStoreUrl).toBe(cluster);
    const withUser = 'esdb://admin:changeit@a:2113,b:2113/?tls=true';
    expect(loadStorageConfig({ EVENTSTORE_URL: withUser }, '/srv').eventStoreUrl).toBe(withUser);
    expect(() => loadStorageConfig({ EVENTSTORE_URL: 'kurrentdb://a:2113,b:99999' }, '/srv')).toThrow(
      /EVENTSTORE_URL is not a valid URL/,
    );
    // Only the event store's URL takes a list of hosts.
    expect(() => loadStorageConfig({ DATABASE_URL: 'postgres://a:5432,b:5432/db' }, '/srv')).toThrow(/DATABASE_URL/);
  });
});

import 'reflect-metadata';
import type { DynamicModule, INestApplicationContext, InjectionToken } from '@nestjs/common';
import { ModulesContainer, NestFactory } from '@nestjs/core';
import { EVENT_STORE } from '@csp/event-store';
import {
  CHECKPOINT_WATCHER,
  CLOCK,
  DATABASE_POOL,
  DOMAIN_DATA,
  EVENT_STORE_HANDLE,
  QueueBackend,
  ReadYourWrites,
  StreamCommands,
} from '@csp/event-sourcing';
import { CustomerAccess, TenantDirectory } from '@csp/capabilities/partners';
import { loadConfig, TENANT_DIRECTORY } from '@csp/platform';
import { ApiModule } from '../../apps/api/src/api.module';
import { WorkerModule } from '../../apps/worker/src/worker.module';

// Placeholder settings: preview mode builds the module graph without instantiating a provider (no database).
const config = loadConfig({
  NODE_ENV: 'test',
  DATABASE_URL: 'postgres://graph@127.0.0.1:1/graph',
  AUTH_JWT_SECRET: 'module-graph-inspection-only-0123456789abcdef',
  KEY_DERIVATION_SECRET: 'module-graph-inspection-only-0123456789abcdef',
  LINK_SIGNING_SECRET: 'module-graph-inspection-only-0123456789abcdef',
  LOG_LEVEL: 'silent',
});

const SHARED: Array<[string, InjectionToken]> = [
  ['EVENT_STORE', EVENT_STORE],
  ['EVENT_STORE_HANDLE', EVENT_STORE_HANDLE],
  ['DATABASE_POOL', DATABASE_POOL],
  ['CLOCK', CLOCK],
  ['DOMAIN_DATA', DOMAIN_DATA],
  ['StreamCommands', StreamCommands],
  ['CHECKPOINT_WATCHER', CHECKPOINT_WATCHER],
  ['ReadYourWrites', ReadYourWrites],
  ['QueueBackend', QueueBackend],
];

const HOSTS: Array<[string, () => DynamicModule]> = [
  ['api (ROLE=api)', () => ApiModule.forRoot(config)],
  ['worker (ROLE=worker)', () => WorkerModule.forRoot(config)],
  ['api with the worker (ROLE=all)', () => ApiModule.forRoot(config, { withWorker: true })],
];

/** The modules of the graph that provide `token` themselves (importing or re-exporting it does not count). */
function providersOf(app: INestApplicationContext, token: InjectionToken): string[] {
  const modules = [...app.get(ModulesContainer).values()];
  return modules.filter((m) => m.providers.has(token)).map((m) => m.metatype.name);
}

describe.each(HOSTS)('the module graph of %s', (_name, host) => {
  let app: INestApplicationContext;
  beforeAll(async () => {
    app = await NestFactory.createApplicationContext(host(), { preview: true, logger: false, abortOnError: false });
  });
  afterAll(() => app.close());

  it.each(SHARED)('provides %s exactly once, in EventSourcingModule', (_token, token) => {
    expect(providersOf(app, token)).toEqual(['EventSourcingModule']);
  });
});

describe.each(HOSTS.filter(([name]) => name.startsWith('api')))('the module graph of %s', (_name, host) => {
  let app: INestApplicationContext;
  beforeAll(async () => {
    app = await NestFactory.createApplicationContext(host(), { preview: true, logger: false, abortOnError: false });
  });
  afterAll(() => app.close());

  it.each([
    ['TENANT_DIRECTORY', TENANT_DIRECTORY],
    ['TenantDirectory', TenantDirectory],
    ['CustomerAccess', CustomerAccess],
  ] as Array<[string, InjectionToken]>)('provides %s exactly once, in PartnersModule', (_token, token) => {
    expect(providersOf(app, token)).toEqual(['PartnersModule']);
  });
});

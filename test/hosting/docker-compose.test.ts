import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { loadConfig } from '@csp/platform';
import { TEST_AUDIT_SIGNING_KEYS } from '../support/app';
import { ROOT } from '../support/source-process';

// No Docker daemon (nor the compose plugin) on our machines: docker-compose.yml is read as Compose reads it (YAML with
// merge keys, `${VAR:-default}` / `${VAR:?error}` interpolation) and its wiring is checked; each app service's
// environment must pass the service's own validated config, as the container would at start-up.

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any
const compose: Json = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true });
const services: Record<string, Json> = compose.services;

/** What an operator must supply (the `:?` settings), as they would in their shell or .env. */
const OPERATOR_ENV: Record<string, string> = {
  KEY_ENCRYPTION_KEYS: `k1:${Buffer.alloc(32, 7).toString('base64')}`,
  PARTNER_TENANTS: '6f1c3a52-0d5e-4d2b-9a53-6a4c5d1e8b01:Compose partner',
  AUDIT_SIGNING_KEYS: TEST_AUDIT_SIGNING_KEYS,
};

/** Compose's interpolation of one value: `${VAR}`, `${VAR:-default}`, `${VAR:?error}`. */
function interpolate(value: string, env: Record<string, string>): string {
  return value.replace(/\$\{(\w+)(?::([-?])([^}]*))?\}/g, (_, name: string, op?: string, arg?: string) => {
    const set = env[name];
    if (set !== undefined && set !== '') return set;
    if (op === '?') throw new Error(`compose refuses to start: ${name} ${arg}`);
    return op === '-' ? (arg ?? '') : '';
  });
}

const environmentOf = (service: string, env = OPERATOR_ENV): Record<string, string> =>
  Object.fromEntries(
    Object.entries(services[service].environment as Record<string, unknown>).map(([k, v]) => [
      k,
      interpolate(String(v), env),
    ]),
  );

const profileOf = (name: string): string[] => services[name].profiles ?? [];
const SCALE = ['kurrentdb-1', 'kurrentdb-2', 'kurrentdb-3', 'scale-database', 'api-scale', 'worker-scale', 'lb'];
const NODES = ['kurrentdb-1', 'kurrentdb-2', 'kurrentdb-3'];

describe('docker-compose.yml', () => {
  it('keeps the single-node stack as it was (no profile) and puts the scale-out stack in the `scale` profile', () => {
    for (const name of ['api', 'worker', 'eventstore', 'postgres', 'redis']) expect(profileOf(name)).toEqual([]);
    const scale = Object.keys(services).filter((name) => profileOf(name).includes('scale'));
    expect(scale.sort()).toEqual([...SCALE].sort());
  });

  it('runs a 3-node KurrentDB cluster: each node gossips with the other two, insecure, with its own volume', () => {
    const volumes = new Set<string>();
    for (const node of NODES) {
      const env = environmentOf(node);
      expect(services[node].image).toBe(services.eventstore.image);
      expect(env).toMatchObject({
        KURRENTDB_CLUSTER_SIZE: '3',
        KURRENTDB_DISCOVER_VIA_DNS: 'false',
        KURRENTDB_INSECURE: 'true',
        KURRENTDB_NODE_HOST_ADVERTISE_AS: node,
        KURRENTDB_REPLICATION_HOST_ADVERTISE_AS: node,
      });
      const seeds = env.KURRENTDB_GOSSIP_SEED!.split(',').sort();
      expect(seeds).toEqual(NODES.filter((n) => n !== node).map((n) => `${n}:2113`));
      expect(services[node].healthcheck.test.join(' ')).toContain('/health/live');
      const [volume] = services[node].volumes[0].split(':');
      volumes.add(volume);
      expect(Object.keys(compose.volumes)).toContain(volume);
    }
    expect(volumes.size).toBe(3);
  });

  it('runs two api and two worker replicas on the whole cluster, their own database, after every node is healthy', () => {
    for (const [name, role] of [
      ['api-scale', 'api'],
      ['worker-scale', 'worker'],
    ] as const) {
      const service = services[name];
      expect(service.deploy.replicas).toBe(2);
      expect(service.image).toBe(services.api.image);
      const env = environmentOf(name);
      expect(env.ROLE).toBe(role);
      const hosts = /^kurrentdb:\/\/([^?/]+)/.exec(env.EVENTSTORE_URL!)![1]!.split(',');
      expect(hosts).toEqual(NODES.map((n) => `${n}:2113`));
      expect(env.DATABASE_URL).not.toBe(environmentOf('api').DATABASE_URL);
      for (const dependency of [...NODES, 'postgres', 'redis'])
        expect(service.depends_on[dependency]).toEqual({ condition: 'service_healthy' });
      expect(service.depends_on['scale-database']).toEqual({ condition: 'service_completed_successfully' });
      expect(service.depends_on.eventstore).toBeUndefined();
      // Replicas publish no port of their own: the load balancer is the way in.
      expect(service.ports).toBeUndefined();
    }
    expect(environmentOf('api-scale').TRUST_PROXY).toBe('true');
    expect(services['scale-database'].command.join(' ')).toContain('CREATE DATABASE csp_scale');
  });

  it('puts nginx in front of the api replicas, following them through Docker DNS', () => {
    const lb = services.lb;
    expect(lb.ports).toEqual(['8080:8080']);
    expect(lb.depends_on['api-scale']).toEqual({ condition: 'service_healthy' });
    const [source, target] = lb.volumes[0].split(':');
    expect(target).toBe('/etc/nginx/nginx.conf');
    const conf = readFileSync(join(ROOT, source), 'utf8');
    // The api's port (PORT's default) on the service name, re-resolved, and the listener the compose file publishes.
    expect(conf).toMatch(/server api-scale:3000 resolve/);
    expect(conf).toMatch(/resolver 127\.0\.0\.11/);
    expect(conf).toMatch(/listen 8080;/);
    expect(conf).toMatch(/proxy_pass http:\/\/api;/);
    expect(existsSync(join(ROOT, source))).toBe(true);
  });

  it('gives every app process an environment its validated config accepts, and names what the operator must set', () => {
    for (const name of ['api', 'worker', 'api-scale', 'worker-scale']) {
      const config = loadConfig(environmentOf(name), { warn: () => undefined, cwd: '/app' });
      expect(config.production).toBe(true);
      expect(config.role).toBe(name.startsWith('api') ? 'api' : 'worker');
    }
    // Production refuses to start without these: compose says so before any container starts.
    for (const required of Object.keys(OPERATOR_ENV)) {
      const { [required]: _, ...missing } = OPERATOR_ENV;
      expect(() => environmentOf('api-scale', missing)).toThrow(new RegExp(`compose refuses to start: ${required}`));
    }
  });
});

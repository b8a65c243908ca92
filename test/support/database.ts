import { randomBytes } from 'node:crypto';
import IORedis from 'ioredis';
import { Client, Pool, PoolConfig } from 'pg';

/**
 * Each integration suite gets a database of its own on the machine's real PostgreSQL,
 * so suites run in parallel without seeing each other's rows. Dropped at the end.
 */
export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

const adminUrl = (): string => process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export async function createTestDatabase(prefix = 'csp_test'): Promise<TestDatabase> {
  const name = `${prefix}_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: adminUrl() });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl());
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    async drop() {
      const c = new Client({ connectionString: adminUrl() });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await c.end();
      }
      // The app's queues are namespaced by its database name: their Redis keys go with the database.
      await dropQueueKeys(name);
    },
  };
}

/**
 * Removes the Redis keys of one queue namespace, so test runs do not pile up jobs and schedulers on the
 * machine's Redis. Nothing to do (and no failure) when Redis is down.
 */
export async function dropQueueKeys(
  namespace: string,
  redisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
): Promise<void> {
  const redis = new IORedis(redisUrl, {
    lazyConnect: true,
    maxRetriesPerRequest: 1,
  });
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `*${namespace}*`, 'COUNT', 1000);
      if (keys.length > 0) await redis.unlink(...keys);
      cursor = next;
    } while (cursor !== '0');
  } catch {
    // Redis is down: there is nothing of ours there to remove.
  } finally {
    redis.disconnect();
  }
}

/**
 * A pool for a test's own queries. Suites drop their databases WITH (FORCE), and a projection or
 * subscription under test may lose a connection on purpose; an idle client's error must not surface as an
 * unhandled 'error' event that fails whichever test happens to be running.
 */
export function testPool(config: PoolConfig): Pool {
  const pool = new Pool(config);
  pool.on('error', () => undefined);
  return pool;
}

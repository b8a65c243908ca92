import cluster, { type Worker } from 'node:cluster';
import { join } from 'node:path';
import { EmbeddedPostgresUnavailableError, startEmbeddedPostgres, type EmbeddedPostgresHandle } from '@csp/event-store';
import { AppConfig, createPinoLogger, startRateLimitClusterPrimary } from '@csp/platform';

/** A child that dies this soon after it was forked failed to start: the cluster stops rather than loop. */
const START_UP_MS = 15_000;
/** How long a child may take to finish its requests and jobs after SIGTERM before it is killed. */
const STOP_GRACE_MS = 30_000;

type Part = 'api' | 'worker';

/**
 * API_WORKERS > 1 (`npm start`, `npm run start:api`): this process becomes a small supervisor (node:cluster
 * primary) and forks API_WORKERS api processes that share its port (the primary hands connections out round-robin),
 * plus, for ROLE=all, one worker process. It owns what must exist once: the embedded PostgreSQL when DATABASE_URL
 * is unset (the children get its URL) and, without REDIS_URL, the one rate-limit budget the api processes ask over
 * IPC. SIGTERM/SIGINT: the api processes stop first (they finish their requests), then the worker, then
 * PostgreSQL; exit 0. A child that dies later is replaced; one that dies while starting stops the cluster (exit 1).
 */
export async function runApiCluster(config: AppConfig): Promise<void> {
  const logger = createPinoLogger({ level: config.logLevel, name: 'cluster' });
  const log = (msg: string): void => logger.info(msg);
  let embedded: EmbeddedPostgresHandle | undefined;
  const env: Record<string, string> = {};
  if (!config.databaseUrl) {
    try {
      embedded = await startEmbeddedPostgres({
        dataDir: join(config.dataDir, 'pg'),
        logger: { info: log, warn: (m: string) => logger.warn(m), error: (m: string) => logger.error(m) },
      });
    } catch (error) {
      if (!(error instanceof EmbeddedPostgresUnavailableError)) throw error;
      console.error(`csp-orders cannot start: ${error.message}`);
      process.exit(1);
    }
    env.DATABASE_URL = embedded.url;
  }
  if (!config.redisUrl && config.rateLimitPerMinute > 0) startRateLimitClusterPrimary();

  const parts: Part[] = [
    ...Array<Part>(config.apiWorkers).fill('api'),
    ...(config.role === 'all' ? ['worker' as const] : []),
  ];
  const children = new Map<Worker, { part: Part; forkedAt: number }>();
  let stopping: Promise<void> | undefined;

  const fork = (part: Part): void => {
    const child = cluster.fork({ ...env, ROLE: part });
    child.on('error', () => undefined); // a message to a child that just died
    children.set(child, { part, forkedAt: Date.now() });
  };
  cluster.on('exit', (child, code, signal) => {
    const info = children.get(child);
    children.delete(child);
    if (!info || stopping) return;
    const how = signal ? `signal ${signal}` : `code ${code}`;
    if (Date.now() - info.forkedAt < START_UP_MS) {
      logger.error(`${info.part} process ${child.process.pid} exited (${how}) while starting: stopping the cluster`);
      void stop(1);
      return;
    }
    logger.warn(`${info.part} process ${child.process.pid} exited (${how}): starting another`);
    fork(info.part);
  });

  const stopPart = async (part: Part): Promise<void> => {
    const group = [...children.entries()].filter(([, i]) => i.part === part).map(([c]) => c);
    await Promise.all(
      group.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.isDead()) return resolve();
            const timer = setTimeout(() => child.process.kill('SIGKILL'), STOP_GRACE_MS);
            child.once('exit', () => {
              clearTimeout(timer);
              resolve();
            });
            child.process.kill('SIGTERM');
          }),
      ),
    );
  };
  const stop = (code: number): Promise<void> =>
    (stopping ??= (async () => {
      await stopPart('api');
      await stopPart('worker');
      await embedded?.stop().catch((e: unknown) => logger.warn(`stopping PostgreSQL: ${String(e)}`));
      log(`cluster stopped (exit ${code})`);
      process.exit(code);
    })());
  process.on('SIGTERM', () => void stop(0));
  process.on('SIGINT', () => void stop(0));

  for (const part of parts) fork(part);
  log(
    `csp-orders cluster ${process.pid}: ${config.apiWorkers} api processes on http://${config.host}:${config.port}` +
      (config.role === 'all' ? ' and one worker process' : ''),
  );
}

import 'reflect-metadata';
import cluster from 'node:cluster';
import { Logger } from '@nestjs/common';
import { createHttpApp, loadConfigOrExit } from '@csp/platform';
import { ApiModule } from './api.module';
import { bootstrapWorker } from '../../worker/src/bootstrap';
import { runApiCluster } from './api-cluster';

/**
 * `npm start`: ROLE=all (default) serves HTTP and runs the worker in one process on the embedded defaults.
 * In production the api (ROLE=api) and the worker (ROLE=worker, apps/worker) run as separate processes.
 * API_WORKERS > 1: this process supervises that many api processes on the one port (and, for ROLE=all, a worker).
 */
async function main(): Promise<void> {
  const config = loadConfigOrExit();
  if (cluster.isPrimary && config.apiWorkers > 1 && config.role !== 'worker') {
    await runApiCluster(config);
    return;
  }
  if (config.role === 'worker') {
    await bootstrapWorker(config);
    return;
  }
  const app = await createHttpApp(ApiModule.forRoot(config, { withWorker: config.role === 'all' }), config);
  await app.listen({ port: config.port, host: config.host });
  new Logger('Bootstrap').log(
    `csp-orders ${config.role} listening on http://${config.host}:${config.port} (docs at /docs)`,
  );
}

main().catch((error: unknown) => {
  console.error(`csp-orders failed to start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});

import 'reflect-metadata';
import { loadConfigOrExit } from '@csp/platform';
import { bootstrapWorker } from './bootstrap';

bootstrapWorker(loadConfigOrExit()).catch((error: unknown) => {
  console.error(`csp-orders worker failed to start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});

import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppConfig, createPinoLogger, exitIfShutdownHangs, PinoLoggerService } from '@csp/platform';
import { WorkerModule } from './worker.module';

/** Starts the worker alone (ROLE=worker). SIGTERM closes it gracefully: in-flight batches and jobs finish. */
export async function bootstrapWorker(config: AppConfig): Promise<void> {
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(config), {
    logger: new PinoLoggerService(createPinoLogger({ level: config.logLevel })),
  });
  app.enableShutdownHooks([], { useProcessExit: true }); // exit 0 once closed, not the re-raised signal
  const logger = new Logger('Bootstrap');
  exitIfShutdownHangs((line) => logger.error(line));
  logger.log('csp-orders worker started');
}

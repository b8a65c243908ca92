import type { DynamicModule, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { AppConfig } from '../config/app-config';
import { redactPath } from '../errors/scrub-secrets';
import { ProblemDetailsFilter } from '../errors/problem-details.filter';
import { createValidationPipe } from '../errors/validation.pipe';
import { createPinoLogger } from '../logging/pino-logger';
import { PinoLoggerService } from '../logging/pino-logger.service';
import { registerRequestContextHooks } from '../request-context/request-context.hooks';
import { registerJsonBodyParser } from './json-body.parser';
import { setupSwagger, SwaggerSetupOptions } from './swagger.setup';

export interface CreateHttpAppOptions {
  /** Default: a pino logger at config.logLevel on stdout. */
  logger?: Logger;
  /** false: no /docs. */
  swagger?: SwaggerSetupOptions | false;
  /** Log one line per request (default true). */
  logRequests?: boolean;
}

/**
 * A Nest app on Fastify with the platform's cross-cutting pieces: request context and id headers,
 * problem+json filter, validation pipe, JSON parser, body limit, pino logs, shutdown hooks, /docs.
 * Guards (auth, roles, rate limit) come from PlatformModule, which the app module imports.
 * Not yet initialised: call `app.listen()` (or `app.init()` in tests).
 */
export async function createHttpApp(
  module: Type<unknown> | DynamicModule,
  config: AppConfig,
  options: CreateHttpAppOptions = {},
): Promise<NestFastifyApplication> {
  const logger = options.logger ?? createPinoLogger({ level: config.logLevel });
  const adapter = new FastifyAdapter({
    bodyLimit: config.bodyLimitBytes,
    trustProxy: config.trustProxy,
    logger: false,
    // Signed download tokens sit in the path and are longer than Fastify's default 100.
    routerOptions: { maxParamLength: 2048 },
  });
  const app = await NestFactory.create<NestFastifyApplication>(module, adapter, {
    logger: new PinoLoggerService(logger),
    bodyParser: false,
    abortOnError: false,
  });
  const fastify = app.getHttpAdapter().getInstance() as unknown as FastifyInstance;

  registerRequestContextHooks(fastify);
  registerJsonBodyParser(fastify);
  if (options.logRequests !== false) registerRequestLogging(fastify, logger);

  app.useGlobalFilters(new ProblemDetailsFilter(logger));
  app.useGlobalPipes(createValidationPipe());
  app.enableShutdownHooks();
  if (options.swagger !== false) setupSwagger(app, fastify, options.swagger ?? {});
  return app;
}

function registerRequestLogging(fastify: FastifyInstance, logger: Logger): void {
  fastify.addHook('onResponse', (request, reply, done) => {
    const ctx = request.requestContext;
    const q = request.url.indexOf('?');
    logger.info(
      {
        correlationId: ctx?.correlationId,
        requestId: ctx?.requestId,
        tenantId: ctx?.principal?.tenantId,
        userId: ctx?.principal?.userId,
        method: request.method,
        path: redactPath(q === -1 ? request.url : request.url.slice(0, q)),
        statusCode: reply.statusCode,
        durationMs: Math.round(reply.elapsedTime * 10) / 10,
      },
      'request completed',
    );
    done();
  });
}

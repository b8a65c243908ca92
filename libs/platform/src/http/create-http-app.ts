import type { DynamicModule, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { AppConfig } from '../config/app-config';
import { redactPath } from '../errors/scrub-secrets';
import { ProblemDetailsFilter } from '../errors/problem-details.filter';
import { PROBLEM_CONTENT_TYPE, problemType } from '../errors/problem-details';
import { isGuid } from '../auth/principal';
import { CORRELATION_ID_HEADER, REQUEST_ID_HEADER } from '../request-context/request-context';
import { createValidationPipe } from '../errors/validation.pipe';
import { createPinoLogger } from '../logging/pino-logger';
import { PinoLoggerService } from '../logging/pino-logger.service';
import { registerRequestContextHooks } from '../request-context/request-context.hooks';
import { exitIfShutdownHangs } from '../lifecycle/shutdown-deadline';
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
    // A malformed or over-long URL fails in Fastify's router, before Nest and its filter: answer problem+json too.
    frameworkErrors: sendFrameworkProblem,
  });
  const app = await NestFactory.create<NestFastifyApplication>(module, adapter, {
    logger: new PinoLoggerService(logger),
    bodyParser: false,
    abortOnError: false,
  });
  const fastify = app.getHttpAdapter().getInstance() as unknown as FastifyInstance;

  // Before Nest registers its routes: the routes whose bodies may exceed BODY_LIMIT_BYTES (a 100,000-key import).
  const routeBodyLimits: Record<string, number> = {
    'POST /v1/keypool/imports': config.keyCustody.importBodyLimitBytes,
  };
  fastify.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) {
      const limit = routeBodyLimits[`${method} ${route.url}`];
      if (limit !== undefined) route.bodyLimit = limit;
    }
  });
  registerRequestContextHooks(fastify);
  registerJsonBodyParser(fastify);
  if (options.logRequests !== false) registerRequestLogging(fastify, logger);

  app.useGlobalFilters(new ProblemDetailsFilter(logger));
  app.useGlobalPipes(createValidationPipe());
  // SIGTERM/SIGINT: close everything in order, then exit 0 (Nest would otherwise re-raise the signal).
  app.enableShutdownHooks([], { useProcessExit: true });
  exitIfShutdownHangs((line) => logger.error(line));
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

/** Router-level failures (bad percent-encoding, a path parameter over maxParamLength) as problem+json. */
function sendFrameworkProblem(
  error: { code?: string },
  request: { headers: Record<string, string | string[] | undefined> },
  // The raw response, as Fastify's own fallback writes it (its typings differ between our two fastify copies).
  reply: { raw: ServerResponse },
): void {
  const tooLong = error.code === 'FST_ERR_MAX_PARAM_LENGTH';
  const status = tooLong ? 414 : 400;
  const code = tooLong ? 'uri_too_long' : 'bad_url';
  const echo = (name: string): string => {
    const raw = request.headers[name.toLowerCase()];
    const value = (Array.isArray(raw) ? raw[0] : raw)?.trim();
    return value && isGuid(value) ? value : randomUUID();
  };
  const correlationId = echo(CORRELATION_ID_HEADER);
  const requestId = echo(REQUEST_ID_HEADER);
  // The path is not echoed: it may be a signed download link.
  const detail = tooLong ? 'A path segment of the URL is too long.' : 'The URL is not validly percent-encoded.';
  const body = JSON.stringify({
    type: problemType(code),
    title: tooLong ? 'URI Too Long' : 'Bad Request',
    status,
    detail,
    code,
    correlationId,
    requestId,
  });
  reply.raw.writeHead(status, {
    'content-type': PROBLEM_CONTENT_TYPE,
    'content-length': Buffer.byteLength(body),
    [CORRELATION_ID_HEADER]: correlationId,
    [REQUEST_ID_HEADER]: requestId,
  });
  reply.raw.end(body);
}

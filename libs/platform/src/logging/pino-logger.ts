import pino, { DestinationStream, Logger, LoggerOptions } from 'pino';
import { scrubSecrets } from '../errors/scrub-secrets';
import { getRequestContext } from '../request-context/request-context';

/** pino redact paths: headers, keys, tokens and secrets at the places they usually sit (up to two levels down). */
export const REDACT_PATHS: string[] = (() => {
  const keys = [
    'authorization',
    'Authorization',
    'productKey',
    'product_key',
    'token',
    'accessToken',
    'access_token',
    'refreshToken',
    'idToken',
    'secret',
    'password',
    'jwtSecret',
    'keyDerivationSecret',
    'linkSigningSecret',
    'cookie',
    '"set-cookie"',
  ];
  const paths: string[] = [];
  for (const k of keys) paths.push(k, `*.${k}`, `*.*.${k}`);
  paths.push('req.headers.authorization', 'headers.authorization', 'request.headers.authorization');
  return paths;
})();

const SENSITIVE_KEY = /^(authorization|cookie|set-cookie|product_?key|.*token|.*secret|password)$/i;

export interface CreateLoggerOptions {
  level?: string;
  /** Default: stdout. Tests pass a stream to read the lines. */
  destination?: DestinationStream;
  name?: string;
}

/**
 * JSON logs with the request's correlation and request ids on every line (a mixin reading the
 * AsyncLocalStorage context) and secrets censored.
 */
export function createPinoLogger(options: CreateLoggerOptions = {}): Logger {
  const config: LoggerOptions = {
    level: options.level ?? 'info',
    name: options.name,
    base: { pid: process.pid, service: 'csp-orders' },
    timestamp: pino.stdTimeFunctions.isoTime,
    messageKey: 'msg',
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    mixin() {
      const ctx = getRequestContext();
      if (!ctx) return {};
      return ctx.principal
        ? {
            correlationId: ctx.correlationId,
            requestId: ctx.requestId,
            tenantId: ctx.principal.tenantId,
            userId: ctx.principal.userId,
          }
        : { correlationId: ctx.correlationId, requestId: ctx.requestId };
    },
    formatters: {
      level: (label) => ({ level: label }),
      // Redact paths cannot reach arbitrary depth; this catches sensitive keys deeper down.
      log: (object) => deepCensor(object, 0) as Record<string, unknown>,
    },
    hooks: {
      logMethod(args, method) {
        // Messages are free text: scrub product keys and tokens from them too.
        const scrubbed = args.map((a) => (typeof a === 'string' ? scrubSecrets(a) : a)) as Parameters<typeof method>;
        method.apply(this, scrubbed);
      },
    },
    serializers: { err: pino.stdSerializers.err, error: pino.stdSerializers.err },
  };
  return options.destination ? pino(config, options.destination) : pino(config);
}

function deepCensor(value: unknown, depth: number): unknown {
  if (depth > 8 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error || value instanceof Date || Buffer.isBuffer(value)) return value;
  if (Array.isArray(value)) return value.map((v) => deepCensor(v, depth + 1));
  let changed = false;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (SENSITIVE_KEY.test(k) && v !== undefined && v !== '[redacted]') {
      out[k] = '[redacted]';
      changed = true;
    } else {
      const next = deepCensor(v, depth + 1);
      if (next !== v) changed = true;
      out[k] = next;
    }
  }
  return changed ? out : value;
}

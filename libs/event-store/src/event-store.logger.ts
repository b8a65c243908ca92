/**
 * The little the adapters need from a logger; pino, Nest's Logger and console all fit.
 * Messages never carry connection strings or secrets.
 */
export interface EventStoreLogger {
  warn(message: string): void;
  error(message: string): void;
  info?(message: string): void;
  log?(message: string): void;
}

export const silentLogger: EventStoreLogger = { warn: () => undefined, error: () => undefined };

export function logInfo(logger: EventStoreLogger, message: string): void {
  if (logger.info) logger.info(message);
  else if (logger.log) logger.log(message);
}

export function describeError(error: unknown): string {
  if (typeof error === 'object' && error !== null && typeof (error as { message?: unknown }).message === 'string') {
    const { message, code } = error as { message: string; code?: unknown };
    return typeof code === 'string' ? `${message} (${code})` : message;
  }
  return String(error);
}

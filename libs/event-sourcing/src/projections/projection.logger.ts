/** The little the runner needs from a logger (pino and Nest loggers fit). */
export interface ProjectionLogger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export const silentProjectionLogger: ProjectionLogger = {
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

export const describeError = (error: unknown): string => (error instanceof Error ? error.message : String(error));

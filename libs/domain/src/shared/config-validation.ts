/** Thrown when a config/ data file is malformed: a start-up error, not a business rule. */
export class ConfigDataError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(
      `${file} is invalid: ${problems.slice(0, 10).join('; ')}${problems.length > 10 ? ` (+${problems.length - 10} more)` : ''}`,
    );
    this.name = 'ConfigDataError';
  }
}

export const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
export const isNonEmptyString = (v: unknown): v is string => typeof v === 'string' && v.trim().length > 0;

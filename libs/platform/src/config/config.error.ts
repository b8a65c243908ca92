/**
 * A bad or missing setting. Its message is the one line main.ts prints before exiting 1,
 * so it names the variable and says why, and never echoes a secret's value.
 */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    reason: string,
  ) {
    super(`Configuration error: ${variable} ${reason}`);
    this.name = 'ConfigError';
  }
}

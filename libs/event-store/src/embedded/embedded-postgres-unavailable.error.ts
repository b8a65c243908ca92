/**
 * The embedded PostgreSQL cannot run on this machine (no binaries for the platform, no user to run
 * it as, a directory it cannot reach). One line: why, and what to set instead.
 */
export class EmbeddedPostgresUnavailableError extends Error {
  readonly reason: string;

  constructor(reason: string) {
    const oneLine = reason.replace(/\s+/g, ' ').trim();
    super(
      `embedded PostgreSQL cannot run here: ${oneLine}. ` +
        'Set DATABASE_URL to a PostgreSQL of your own (postgres://user:password@host:5432/database) and start again.',
    );
    this.name = 'EmbeddedPostgresUnavailableError';
    this.reason = oneLine;
  }
}

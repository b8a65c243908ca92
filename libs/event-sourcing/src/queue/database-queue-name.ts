/**
 * A queue name of its own per database: deployments (and test databases) sharing one Redis never take each
 * other's jobs, since a job handled against another database would be lost or act on the wrong rows.
 */
export function databaseQueueName(prefix: string, databaseUrl: string): string {
  let db = 'default';
  try {
    db = decodeURIComponent(new URL(databaseUrl).pathname.slice(1)) || db;
  } catch {
    // an unparsable URL keeps the default name
  }
  return `${prefix}-${db.replace(/[^A-Za-z0-9_-]/g, '_')}`;
}

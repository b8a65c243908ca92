/**
 * Queue namespace (Redis key prefix, or PostgreSQL schema): QUEUE_NAMESPACE (AppConfig.queueNamespace), else the
 * database name, so that deployments (and test apps) sharing one Redis never run each other's jobs.
 */
export function queueNamespace(databaseUrl: string | undefined, explicit?: string): string | undefined {
  const raw = explicit?.trim() || (databaseUrl ? decodeURIComponent(new URL(databaseUrl).pathname.slice(1)) : '');
  const ns = raw
    .toLowerCase()
    .replace(/[^a-z0-9_]/g, '_')
    .slice(0, 40);
  return ns || undefined;
}

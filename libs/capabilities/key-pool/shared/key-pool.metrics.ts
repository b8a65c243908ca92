import { Counter, Gauge, register } from 'prom-client';

export const KEY_POOL_METRIC_NAMES = {
  low: 'csp_keypool_low',
  available: 'csp_keypool_available',
  exhausted: 'csp_keypool_exhausted_total',
  assigned: 'csp_keypool_assignments_total',
  imported: 'csp_keypool_imported_keys_total',
  decryptFailures: 'csp_keypool_decrypt_failures_total',
} as const;

/**
 * The key pool's Prometheus metrics, by offer and version only (never a key, a fingerprint or a tenant's data).
 * One set per process in prom-client's default registry, which /metrics serves beside propagation's.
 */
export class KeyPoolMetrics {
  readonly low = new Gauge({
    name: KEY_POOL_METRIC_NAMES.low,
    help: '1 while some partner has fewer keys of this offer and version available than its low watermark',
    labelNames: ['offer', 'version'],
  });
  readonly available = new Gauge({
    name: KEY_POOL_METRIC_NAMES.available,
    help: 'Keys of this offer and version available in the pool (all partners), as last seen by this process',
    labelNames: ['offer', 'version'],
  });
  readonly exhausted = new Counter({
    name: KEY_POOL_METRIC_NAMES.exhausted,
    help: 'First reveals refused with key_pool_exhausted',
    labelNames: ['offer', 'version'],
  });
  readonly assigned = new Counter({
    name: KEY_POOL_METRIC_NAMES.assigned,
    help: 'Keys assigned to an order line by this process',
    labelNames: ['offer', 'version'],
  });
  readonly imported = new Counter({ name: KEY_POOL_METRIC_NAMES.imported, help: 'Keys imported into the pool' });
  readonly decryptFailures = new Counter({
    name: KEY_POOL_METRIC_NAMES.decryptFailures,
    help: 'Pool records that failed to decrypt (tampered, moved or under a KEK not configured): alert on any',
    labelNames: ['reason'],
  });

  private static instance: KeyPoolMetrics | undefined;

  /** Several apps may share a process (tests): the metrics are registered once. */
  static shared(): KeyPoolMetrics {
    return (KeyPoolMetrics.instance ??= new KeyPoolMetrics());
  }

  private constructor() {}
}

/** The default registry's text, appended to /metrics. */
export const keyPoolMetricsText = (): Promise<string> => register.metrics();

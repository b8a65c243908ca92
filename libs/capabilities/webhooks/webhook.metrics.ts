import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { WebhookDeliveryStore } from './store/webhook-delivery.store';

export const WEBHOOK_METRIC_NAMES = {
  deliveries: 'csp_webhook_deliveries_total',
  attempts: 'csp_webhook_attempt_duration_seconds',
  oldestPending: 'csp_webhook_oldest_pending_age_seconds',
  disabled: 'csp_webhook_endpoints_disabled_total',
  lag: 'csp_webhook_delivery_lag_seconds',
} as const;

/**
 * Webhook metrics in a registry of their own: deliveries by outcome, attempt latency, event → delivery lag, the
 * oldest pending delivery per endpoint (read from PostgreSQL at scrape time) and endpoints disabled.
 */
export class WebhookMetrics {
  readonly registry = new Registry();
  readonly deliveries: Counter<'outcome'>;
  readonly attempts: Histogram<'outcome'>;
  readonly lag: Histogram;
  readonly disabled: Counter<'reason'>;

  constructor(store: WebhookDeliveryStore) {
    const registers = [this.registry];
    this.deliveries = new Counter({
      name: WEBHOOK_METRIC_NAMES.deliveries,
      help: 'Webhook deliveries finished by this process, by outcome (succeeded, failed)',
      labelNames: ['outcome'],
      registers,
    });
    this.attempts = new Histogram({
      name: WEBHOOK_METRIC_NAMES.attempts,
      help: 'Duration of webhook delivery attempts, by outcome (success, retry, failed, gone)',
      labelNames: ['outcome'],
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 15, 30],
      registers,
    });
    this.lag = new Histogram({
      name: WEBHOOK_METRIC_NAMES.lag,
      help: 'Time from the event to its successful delivery',
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300, 3600],
      registers,
    });
    this.disabled = new Counter({
      name: WEBHOOK_METRIC_NAMES.disabled,
      help: 'Webhook endpoints disabled by delivery (gone: 410; failing: N failed deliveries in a row)',
      labelNames: ['reason'],
      registers,
    });
    new Gauge({
      name: WEBHOOK_METRIC_NAMES.oldestPending,
      help: 'Age of the oldest pending delivery, per endpoint',
      labelNames: ['endpoint'],
      registers,
      async collect() {
        const rows = await store.oldestPending().catch(() => undefined);
        if (!rows) return;
        this.reset();
        for (const r of rows) this.set({ endpoint: r.endpointId }, r.ageSeconds);
      },
    });
  }
}

import { ConfigError } from './config.error';
import { MIN_SECRET_LENGTH } from './local-secret';

/** Operator credentials: static tokens, never a tenant's JWT (DOMAIN.md: queue dashboard, metrics). */
export interface OperatorSettings {
  /** Opens /admin/queues. Without it the dashboard is not mounted (404). */
  readonly token?: string;
  /** Opens /metrics. Production without it: /metrics is not served; elsewhere unset means public. */
  readonly metricsToken?: string;
  /** false: the dashboard is read-only (bull-board readOnlyMode and a 403 for every mutating request). */
  readonly queueDashboardWrite: boolean;
}

type Get = (name: string) => string | undefined;

/** OPERATOR_TOKEN, METRICS_TOKEN, QUEUE_DASHBOARD_WRITE. Nothing is generated: no token, no dashboard. */
export function loadOperatorSettings(
  get: Get,
  production: boolean,
  bool: (name: string, fallback: boolean) => boolean,
): OperatorSettings {
  const token = get('OPERATOR_TOKEN');
  if (token !== undefined) checkToken('OPERATOR_TOKEN', token, production);
  const metricsToken = get('METRICS_TOKEN');
  if (metricsToken !== undefined) {
    checkToken('METRICS_TOKEN', metricsToken, production);
    // The scraper's credential must not open the dashboard.
    if (production && metricsToken === token) throw new ConfigError('METRICS_TOKEN', 'must differ from OPERATOR_TOKEN');
  }
  return Object.freeze({ token, metricsToken, queueDashboardWrite: bool('QUEUE_DASHBOARD_WRITE', false) });
}

function checkToken(name: string, value: string, production: boolean): void {
  // Sent as a Bearer token or a Basic password: visible ASCII only, no spaces.
  if (!/^[\x21-\x7e]+$/.test(value)) throw new ConfigError(name, 'must be printable ASCII without spaces');
  if (production && value.length < MIN_SECRET_LENGTH) {
    throw new ConfigError(name, `must be at least ${MIN_SECRET_LENGTH} characters in production (got ${value.length})`);
  }
}

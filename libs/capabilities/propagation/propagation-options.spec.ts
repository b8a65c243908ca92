import { loadConfig } from '@csp/platform';
import { DEFAULT_PROPAGATION_OPTIONS } from './propagation.options';
import { propagationOptionsOf } from './propagation-core.module';

const SECRET = 'x'.repeat(32);
const base = {
  AUTH_JWT_SECRET: SECRET,
  KEY_DERIVATION_SECRET: SECRET,
  LINK_SIGNING_SECRET: SECRET,
  DATA_DIR: '/nonexistent',
};

describe('propagation options from the platform config', () => {
  it('default to the library defaults', () => {
    expect(propagationOptionsOf(loadConfig(base).propagation)).toEqual(DEFAULT_PROPAGATION_OPTIONS);
  });

  it('carry every PROPAGATION_* setting', () => {
    const config = loadConfig({
      ...base,
      PROPAGATION_CONCURRENCY: '4',
      PROPAGATION_ATTEMPTS: '3',
      PROPAGATION_BACKOFF_MS: '100',
      PROPAGATION_RECONCILE_EVERY_MS: '1000',
      PROPAGATION_LOCK_MS: '2000',
      PROPAGATION_STALLED_CHECK_MS: '1500',
      PROPAGATION_TEST_STEP_DELAY_MS: '700',
    });
    expect(propagationOptionsOf(config.propagation)).toEqual({
      retry: { attempts: 3, backoffMs: 100 },
      reconcileEveryMs: 1000,
      concurrency: 4,
      lockDurationMs: 2000,
      stalledIntervalMs: 1500,
      stepDelayMs: 700,
    });
  });
});

import { Logger } from '@nestjs/common';
import type { StreamCommands } from '@csp/event-sourcing';
import type { AppConfig } from '@csp/platform';
import type { Pool } from 'pg';
import { KeyRing } from '../custody/key-envelope';
import { KeyPoolMetrics } from '../shared/key-pool.metrics';
import { PoolLicensingAdapter } from './pool-licensing.adapter';

/** The pool adapter as the hosting modules build it for LICENSING_ADAPTER=pool (migrated, ready). */
export async function createPoolLicensing(deps: {
  config: AppConfig;
  pool: Pool;
  commands: StreamCommands;
  revokedError: (orderId: string, lineItemNumber: number) => Error;
}): Promise<PoolLicensingAdapter> {
  const adapter = new PoolLicensingAdapter({
    pool: deps.pool,
    commands: deps.commands,
    ring: new KeyRing(deps.config.keyCustody.keyEncryptionKeys),
    metrics: KeyPoolMetrics.shared(),
    logger: new Logger('KeyPool'),
    defaultLowWatermark: deps.config.keyCustody.defaultLowWatermark,
    revokedError: deps.revokedError,
  });
  await adapter.migrate();
  return adapter;
}

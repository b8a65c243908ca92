import { Logger } from '@nestjs/common';
import { createDomainContext, type DomainData } from '@csp/domain';
import type { EventStore } from '@csp/event-store';
import type { AppConfig } from '@csp/platform';
import type { Pool } from 'pg';
import { KeyRing } from '../custody/key-envelope';
import { KeyPoolMetrics } from '../shared/key-pool.metrics';
import { PoolLicensingAdapter } from './pool-licensing.adapter';

/** The pool adapter as the hosting modules build it for LICENSING_ADAPTER=pool (migrated, ready). */
export async function createPoolLicensing(deps: {
  config: AppConfig;
  pool: Pool;
  store: EventStore;
  clock: { now(): Date };
  data: DomainData;
  revokedError: (orderId: string, lineItemNumber: number) => Error;
}): Promise<PoolLicensingAdapter> {
  const adapter = new PoolLicensingAdapter({
    pool: deps.pool,
    store: deps.store,
    ring: new KeyRing(deps.config.keyCustody.keyEncryptionKeys),
    context: () => createDomainContext(deps.data, deps.clock.now()),
    metrics: KeyPoolMetrics.shared(),
    logger: new Logger('KeyPool'),
    defaultLowWatermark: deps.config.keyCustody.defaultLowWatermark,
    revokedError: deps.revokedError,
  });
  await adapter.migrate();
  return adapter;
}

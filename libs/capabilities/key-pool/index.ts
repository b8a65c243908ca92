// Key custody (issue 15): imported MAK keys, encrypted at rest, assigned once, revoked on cancel.
export * from './custody/key-envelope';
export * from './custody/key-vault.store';
export * from './key-pool.module';
export * from './licensing/pool-licensing.adapter';
export * from './licensing/create-pool-licensing';
export * from './licensing/licensing-revocations.store';
export * from './shared/key-pool.errors';
export * from './shared/key-pool.metrics';
export * from './rewrap/rewrap-keys.service';

export * from './mak-format';
export * from './key-pool.events';
export * from './key-import';
export * from './key-import.decide';
export * from './pool-key.decide';
export * from './key-stock';

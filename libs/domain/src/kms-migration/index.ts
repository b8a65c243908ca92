export * from './kms-migration-policy';
export * from './kms-migration.commands';
export * from './kms-migration.events';
export * from './kms-migration.state';
export * from './kms-migration.status';
export * from './kms-migration.decide';

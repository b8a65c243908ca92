export * from './application.module';
export * from './infrastructure/infrastructure.module';
export * from './infrastructure/database-pool';
export * from './ports';
export * from './adapters';
export * from './shared/position-header';
export * from './shared/domain-data.provider';
export * from './projections/projections.module';

/**
 * @csp/read-models — projections (events → rows, checkpoint in the same transaction), their
 * runner (one active instance per projection across processes) and the queries over the rows.
 */
export * from './projection';
export * from './projections';
export * from './shared/paging';
export * from './shared/recorded';

export * from './runner/checkpoint.schema';
export * from './runner/checkpoint-watcher';
export * from './runner/projection.logger';
export * from './runner/projection-runner';
export * from './runner/projection-runner-group';

export * from './customers/customers.query';
export * from './customers/customers.schema';
export * from './orders/order-view';
export * from './orders/order-views.query';
export * from './orders/order-views.schema';
export * from './software/software-list.projection';
export * from './software/software-list.query';
export * from './software/software-list.schema';
export * from './kms-migration';

export * from './audit-records/audit-operations';
export * from './audit-records/audit-records.projection';
export * from './audit-records/audit-records.query';
export * from './audit-records/audit-records.schema';
export * from './credits/credits.projection';
export * from './credits/credits.query';
export * from './credits/credits.schema';

export * from './replay/shadow-build';
export * from './replay/replay';
export * from './replay/verify';

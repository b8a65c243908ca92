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

/**
 * @csp/propagation — queues (BullMQ on Redis or PostgreSQL) and what runs on them: the reactor that turns
 * OrderCancelled into one job, the idempotent propagation steps, the reconciler and the window-closing
 * reminders. Framework-free: the application wires it into Nest (libs/application/src/propagation).
 */
export * from './queue/queue-backend';
export * from './propagation.ports';
export * from './propagation.options';
export * from './propagation.runtime';
export * from './store/propagation.schema';
export * from './store/propagation.store';
export * from './jobs/propagation.queues';
export * from './jobs/cancellation-propagation.processor';
export * from './jobs/window-warning.processor';
export * from './metrics/propagation.metrics';
export * from './reactor/cancellation.reactor';
export * from './reconciler/propagation.reconciler';
export * from './shared/with-timeout';

export * from './propagation-core.module';
export * from './propagation.module';
export * from './propagation-http.module';
export * from './propagation.health';
export * from './order-streams.adapter';
export { QUEUE_DASHBOARD_PATH } from './queue-dashboard';

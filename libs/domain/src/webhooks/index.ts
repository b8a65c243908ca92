export * from './webhook-event-types';
export * from './webhook-endpoint.events';
export * from './webhook-endpoint.commands';
export * from './webhook-endpoint.state';
export * from './webhook-endpoint.decide';
export * from './retry-schedule';
export * from './network-address';

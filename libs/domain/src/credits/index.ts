export * from './billing-period';
export * from './statement';
export * from './statement.events';
export * from './statement.decide';

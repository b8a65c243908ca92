/**
 * @csp/domain — the pure domain of csp-orders: no Nest, no I/O, no node built-ins.
 * Deciders: `decideX(command, state, context) -> events[]` (throws DomainError) and
 * `evolveX(state, event) -> state` with `initialXState()`.
 */
export * from './shared/domain-error';
export * from './shared/types';
export * from './shared/context';
export * from './shared/decider';
export * from './shared/config-validation';
export * from './shared/domain-data';
export * from './shared/default-data';

export * from './money/currencies';
export * from './money/money';
export * from './money/rounding';
export * from './money/proration';

export * from './policies/policy.types';
export * from './policies/policies';
export * from './policies/policies.validation';

export * from './markets/market.types';
export * from './markets/markets';
export * from './markets/markets.validation';

export * from './catalog/catalog.types';
export * from './catalog/catalog';
export * from './catalog/catalog.validation';

export * from './customers/customer.events';
export * from './customers/customer.commands';
export * from './customers/customer-domain';
export * from './customers/customer-domain-claim';
export * from './customers/customer.state';
export * from './customers/customer.decide';

export * from './orders/order.events';
export * from './orders/order.commands';
export * from './orders/order.state';
export * from './orders/order.decide';
export * from './orders/cancellation-eligibility';
export * from './orders/partner-center-order';

export * from './support/support-request.events';
export * from './support/support-request.commands';
export * from './support/support-request.state';
export * from './support/support-request.decide';

export * from './kms-migration';

export * from './partners';

export * from './key-pool';

export * from './streams/stream-declaration';
export * from './streams/stream-registry';
export * from './streams/stream-deciders';

export * from './access/access-policy';

export * from './credits';
export * from './webhooks';

/** @csp/capabilities/credits: invoice credits (/v1/credits), the finance feeds (credit change feed, monthly statements) and their ledger. */
export { CreditsQuery } from './projections/credits.query';
export { CreditsModule } from './credits.module';
export { creditsProjection } from './projections/credits.projection';
export * from './credit-feed.module';
export * from './credit-feed.worker.module';
export * from './ledger/credit-ledger.projection';
export * from './ledger/credit-ledger.query';

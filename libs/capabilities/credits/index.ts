/** @csp/capabilities/credits: the finance feeds (credit change feed, monthly statements) and their ledger. */
export * from './credit-feed.module';
export * from './credit-feed.worker.module';
export * from './ledger/credit-ledger.projection';
export * from './ledger/credit-ledger.query';

/** @csp/capabilities/credits: invoice credits (/v1/credits), the credit change feed and monthly statements, over the credit ledger. */
export { CreditsModule } from './credits.module';
export { creditLedgerProjection } from './projections/credit-ledger.projection';

// Nest-free verification code: the offline verifier (apps/cli) imports only this entry point.
export * from './merkle';
export * from './canonical-event';
export * from './digest-signature';
export { verifyAuditTrail } from './audit-verifier';
export type { ProofSource, VerifyInput, VerifyResult } from './audit-verifier';
export { Discrepancy } from './verifier-inputs';

// The audit-trail capability (issue 17): RFC 6962 Merkle trees per partner tenant, signed chained digests, proofs,
// the NDJSON export. The Nest-free verification code is also its own entry point: ./verification.
export { AuditTrailModule } from './audit-trail.module';
export { AuditTrailWorkerModule } from './audit-trail.worker.module';
export { DigestProducer } from './produce-digests/digest-producer';
export { SYSTEM_LOG } from './log/tenant-of-event';
export * from './verification';

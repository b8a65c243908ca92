export { AuditRecordsQuery } from './projections/audit-records.query';
export { ActivityModule } from './activity.module';
export { auditRecordsProjection } from './projections/audit-records.projection';

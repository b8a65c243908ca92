import { Inject, Injectable, StreamableFile } from '@nestjs/common';
import { DomainError } from '@csp/domain';
import type { Principal } from '@csp/platform';
import { AUDIT_OPERATION_TYPES, isAuditOperationType, type AuditOperationType } from './projections/audit-operations';
import { AuditRecordsQuery, type AuditRecord, type AuditRecordFilter } from './projections/audit-records.query';
import { auditRecordsProjection } from './projections/audit-records.projection';
import { CLOCK, Clock, ReadYourWrites } from '@csp/event-sourcing';
import {
  Collection,
  parseMinPosition,
  withObjectType,
  parseAuditDateRange,
  parseGuidFilter,
  csvFile,
  CsvColumn,
  filteredCollection,
  type PagingQuery,
} from '@csp/platform';

export interface AuditRecordsRequest extends PagingQuery {
  startDate?: string;
  endDate?: string;
  customerId?: string;
  operationType?: string;
}

const CSV_COLUMNS: CsvColumn<AuditRecord>[] = [
  { header: 'id', value: (r) => r.id },
  { header: 'operationDate', value: (r) => r.operationDate },
  { header: 'operationType', value: (r) => r.operationType },
  { header: 'operationStatus', value: (r) => r.operationStatus },
  { header: 'userPrincipalName', value: (r) => r.userPrincipalName },
  { header: 'partnerId', value: (r) => r.partnerId },
  { header: 'customerId', value: (r) => r.customerId },
  { header: 'customerName', value: (r) => r.customerName },
  // key=value pairs joined by "; " (keys and values never hold ";" as written by the projection's mapping).
  { header: 'customizedData', value: (r) => r.customizedData.map((d) => `${d.key}=${d.value}`).join('; ') },
];

/** The activity log: a partner's audit records, by UTC day range, filtered, paged or as CSV. */
@Injectable()
export class AuditRecordsService {
  constructor(
    private readonly query: AuditRecordsQuery,
    private readonly readYourWrites: ReadYourWrites,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  private filter(
    principal: Principal,
    q: AuditRecordsRequest,
  ): { filter: AuditRecordFilter; query: Record<string, string | undefined> } {
    const range = parseAuditDateRange(q.startDate, q.endDate, this.clock.now());
    const customerId = parseGuidFilter(q.customerId, 'customerId');
    let operationType: AuditOperationType | undefined;
    if (q.operationType !== undefined && q.operationType !== '') {
      if (!isAuditOperationType(q.operationType)) {
        throw new DomainError({
          code: 'invalid_operation_type',
          kind: 'validation',
          field: 'operationType',
          detail: `operationType must be one of ${AUDIT_OPERATION_TYPES.join(', ')}`,
        });
      }
      operationType = q.operationType;
    }
    return {
      filter: {
        partnerId: principal.tenantId.toLowerCase(),
        from: range.from,
        to: range.to,
        customerId,
        operationType,
      },
      query: { startDate: range.startDate, endDate: range.endDate, customerId, operationType },
    };
  }

  async list(principal: Principal, q: AuditRecordsRequest): Promise<Collection<AuditRecord>> {
    const { filter, query } = this.filter(principal, q);
    const { page, size } = await this.readYourWrites.page(auditRecordsProjection.name, q, (p) =>
      this.query.list(filter, p),
    );
    return filteredCollection(
      '/v1/auditrecords',
      query,
      { ...page, items: page.items.map(withObjectType('AuditRecord')) },
      size,
    );
  }

  /** Every record of the range (not paged): what Partner Center's export gives. */
  async csv(principal: Principal, q: AuditRecordsRequest): Promise<StreamableFile> {
    const { filter, query } = this.filter(principal, q);
    await this.readYourWrites.await(auditRecordsProjection.name, parseMinPosition(q.minPosition));
    return csvFile(this.query.all(filter), CSV_COLUMNS, `auditrecords_${query.startDate}_${query.endDate}.csv`);
  }
}

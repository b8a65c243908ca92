import { Controller, Get, Headers, Query, Res, StreamableFile, Inject } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import {
  ApiProblems,
  CurrentPrincipal,
  isGuid,
  Principal,
  Collection,
  setPositionHeader,
  wantsCsv,
  ApiJsonOrCsvResponse,
  ApiPagingQueries,
  PagingQueries,
  type PagingQuery,
} from '@csp/platform';
import { AUDIT_OPERATION_TYPES } from './projections/audit-operations';
import { CheckpointWatcher, CHECKPOINT_WATCHER } from '@csp/event-sourcing';
import { auditRecordsProjection } from './projections/audit-records.projection';
import { Permit, CustomerAccess } from '@csp/capabilities/partners';
import { AuditRecordsService } from './audit-records.service';
import { AuditRecordCollectionDto } from './audit-record.response.dto';

@ApiTags('activity log')
@ApiBearerAuth()
@Controller('v1/auditrecords')
export class AuditRecordsController {
  constructor(
    private readonly records: AuditRecordsService,
    private readonly customers: CustomerAccess,
    @Inject(CHECKPOINT_WATCHER) private readonly watcher: CheckpointWatcher,
  ) {}

  @Get()
  @Permit('readActivityLog')
  @ApiOperation({
    summary: 'The activity log: key reveals, download links, downloads, orders created and updated',
    description:
      'The calling partner’s customers only, newest first. Dates are UTC days, both inclusive; at most 90 days back. ' +
      '`Accept: text/csv` returns every record of the range as CSV (header row, RFC 4180 quoting).',
  })
  @ApiQuery({
    name: 'startDate',
    required: false,
    schema: { type: 'string', format: 'date' },
    description: 'YYYY-MM-DD; default 29 days before endDate; at most 90 days back',
  })
  @ApiQuery({
    name: 'endDate',
    required: false,
    schema: { type: 'string', format: 'date' },
    description: 'YYYY-MM-DD; default today (UTC)',
  })
  @ApiQuery({ name: 'customerId', required: false, schema: { type: 'string', format: 'uuid' } })
  @ApiQuery({ name: 'operationType', required: false, enum: AUDIT_OPERATION_TYPES })
  @ApiPagingQueries()
  @ApiJsonOrCsvResponse(AuditRecordCollectionDto, 'A collection of audit records, or CSV (`Accept: text/csv`)')
  @ApiProblems({ status: 400, description: 'a start more than 90 days back, an end before the start' }, 401, 403, 404)
  async list(
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) reply: FastifyReply,
    @PagingQueries() paging: PagingQuery,
    @Headers('accept') accept?: string,
    @Query('startDate') startDate?: string,
    @Query('endDate') endDate?: string,
    @Query('customerId') customerId?: string,
    @Query('operationType') operationType?: string,
  ): Promise<Collection<unknown> | StreamableFile> {
    const q = { startDate, endDate, customerId, operationType, ...paging };
    // Another tenant's customer is 404, as everywhere (a malformed id is the service's 400).
    if (isGuid(customerId)) await this.customers.authorize(principal, customerId, 'readActivityLog');
    // The position the rows are at least at, read before them.
    setPositionHeader(reply, await this.watcher.checkpoint(auditRecordsProjection.name));
    return wantsCsv(accept) ? this.records.csv(principal, q) : this.records.list(principal, q);
  }
}

import { Controller, Get, Inject, Query, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import { Readable } from 'node:stream';
import type { Pool } from 'pg';
import { EVENT_STORE, type EventStore } from '@csp/event-store';
import { ApiProblems, CurrentPrincipal, Principal, parseSize } from '@csp/platform';
import { DATABASE_POOL } from '@csp/event-sourcing';
import { Permit } from '@csp/capabilities/partners';
import { exportLines } from './export-events/event-export';
import { eventIdOf, instant, logOf, wholeNumber } from './read-trail/audit-query-params';
import { AuditTrailQueries, StoredDigest } from './read-trail/audit-trail.queries';
import {
  AuditDigestCollectionDto,
  AuditDigestDto,
  AuditSigningKeyCollectionDto,
  ConsistencyProofDto,
  InclusionProofDto,
} from './read-trail/audit-trail.response.dto';

const LOG_QUERY = {
  name: 'log',
  required: false,
  schema: { type: 'string' as const, enum: ['system'] },
  description: 'Absent: the caller’s partner tenant’s log; `system`: the log of events that name no partner',
};
const linkTo = (path: string, query: Record<string, string | number | undefined>): string => {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined) params.set(k, String(v));
  return params.size ? `${path}?${params}` : path;
};

@ApiTags('audit trail')
@ApiBearerAuth()
@Controller('v1')
export class AuditTrailController {
  private readonly queries: AuditTrailQueries;

  constructor(
    @Inject(DATABASE_POOL) private readonly pool: Pool,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {
    this.queries = new AuditTrailQueries(pool);
  }

  @Get('audit/keys')
  @Permit('readAuditTrail')
  @ApiOperation({ summary: 'The public keys of the audit digests, current and retired (Auditor)' })
  @ApiOkResponse({ type: AuditSigningKeyCollectionDto })
  @ApiProblems(401, 403)
  async keys() {
    const items = await this.queries.keys();
    return {
      totalCount: items.length,
      items,
      links: { self: { uri: '/v1/audit/keys', method: 'GET' } },
      attributes: { objectType: 'Collection' },
    };
  }

  @Get('audit/digests')
  @Permit('readAuditTrail')
  @ApiOperation({
    summary: 'The signed digests of the caller’s log, in chain order (Auditor)',
    description: '`from`/`to`: issuedAt bounds (from inclusive, to exclusive). Verify with `npm run verify-audit`.',
  })
  @ApiQuery({ name: 'from', required: false, schema: { type: 'string', format: 'date-time' } })
  @ApiQuery({ name: 'to', required: false, schema: { type: 'string', format: 'date-time' } })
  @ApiQuery({ name: 'size', required: false, schema: { type: 'integer', minimum: 1, maximum: 1000, default: 100 } })
  @ApiQuery({
    name: 'continuationToken',
    required: false,
    schema: { type: 'string' },
    description: 'From `links.next`',
  })
  @ApiQuery(LOG_QUERY)
  @ApiOkResponse({ type: AuditDigestCollectionDto })
  @ApiProblems(400, 401, 403)
  async digests(
    @CurrentPrincipal() principal: Principal,
    @Query('from') from?: string,
    @Query('to') to?: string,
    @Query('size') size?: string,
    @Query('continuationToken') token?: string,
    @Query('log') log?: string,
  ) {
    const tenant = logOf(principal.tenantId, log);
    const q = { from: instant(from, 'from'), to: instant(to, 'to'), size: parseSize(size), log };
    const after = wholeNumber(token, 'continuationToken', { min: 0, fallback: 0 });
    const page = await this.queries.digests(tenant, { ...q, after });
    return {
      totalCount: page.totalCount,
      items: page.items,
      links: {
        self: { uri: linkTo('/v1/audit/digests', { ...q, continuationToken: token }), method: 'GET' },
        ...(page.last !== undefined
          ? { next: { uri: linkTo('/v1/audit/digests', { ...q, continuationToken: page.last }), method: 'GET' } }
          : {}),
      },
      attributes: { objectType: 'Collection' },
    };
  }

  @Get('audit/digests/latest')
  @Permit('readAuditTrail')
  @ApiOperation({ summary: 'The latest signed digest of the caller’s log (Auditor)' })
  @ApiQuery(LOG_QUERY)
  @ApiOkResponse({ type: AuditDigestDto })
  @ApiProblems(400, 401, 403, { status: 404, description: '`digest_not_found`' })
  latest(@CurrentPrincipal() principal: Principal, @Query('log') log?: string): Promise<StoredDigest> {
    return this.queries.latest(logOf(principal.tenantId, log));
  }

  @Get('audit/proofs/inclusion')
  @Permit('readAuditTrail')
  @ApiOperation({ summary: 'RFC 9162 inclusion proof of an event in the tree of a given size (Auditor)' })
  @ApiQuery({ name: 'eventId', required: true, schema: { type: 'string' } })
  @ApiQuery({ name: 'treeSize', required: true, schema: { type: 'integer', minimum: 1 } })
  @ApiQuery(LOG_QUERY)
  @ApiOkResponse({ type: InclusionProofDto })
  @ApiProblems(400, 401, 403, { status: 404, description: '`event_not_found`' })
  inclusion(
    @CurrentPrincipal() principal: Principal,
    @Query('eventId') eventId?: string,
    @Query('treeSize') treeSize?: string,
    @Query('log') log?: string,
  ) {
    const tenant = logOf(principal.tenantId, log);
    return this.queries.inclusion(tenant, eventIdOf(eventId), wholeNumber(treeSize, 'treeSize', { min: 1 }));
  }

  @Get('audit/proofs/consistency')
  @Permit('readAuditTrail')
  @ApiOperation({ summary: 'RFC 9162 consistency proof between two tree sizes of the caller’s log (Auditor)' })
  @ApiQuery({ name: 'first', required: true, schema: { type: 'integer', minimum: 1 } })
  @ApiQuery({ name: 'second', required: true, schema: { type: 'integer', minimum: 1 } })
  @ApiQuery(LOG_QUERY)
  @ApiOkResponse({ type: ConsistencyProofDto })
  @ApiProblems(400, 401, 403)
  consistency(
    @CurrentPrincipal() principal: Principal,
    @Query('first') first?: string,
    @Query('second') second?: string,
    @Query('log') log?: string,
  ) {
    const tenant = logOf(principal.tenantId, log);
    return this.queries.consistency(
      tenant,
      wholeNumber(first, 'first', { min: 1 }),
      wholeNumber(second, 'second', { min: 1 }),
    );
  }

  @Get('events/export')
  @Permit('readAuditTrail')
  @ApiOperation({
    summary: 'The caller’s log as NDJSON, in tree order (Auditor)',
    description:
      'Each line is exactly the RFC 8785 canonical form of one event, the bytes its Merkle leaf hashes: ' +
      '`{data, id, metadata, position, recordedAt, stream, streamPosition, type}`. `from`: first leaf index ' +
      '(default 0); `to`: tree size to stop at, exclusive (default: every event appended to the log so far). ' +
      'Streamed; verify with `npm run verify-audit`.',
  })
  @ApiQuery({ name: 'from', required: false, schema: { type: 'integer', minimum: 0, default: 0 } })
  @ApiQuery({ name: 'to', required: false, schema: { type: 'integer', minimum: 0 } })
  @ApiQuery(LOG_QUERY)
  @ApiProduces('application/x-ndjson')
  @ApiOkResponse({
    description: 'One canonical event per line',
    content: { 'application/x-ndjson': { schema: { type: 'string' } } },
  })
  @ApiProblems(400, 401, 403)
  async export(
    @CurrentPrincipal() principal: Principal,
    @Query('from') from?: string,
    @Query('to') to?: string,
    @Query('log') log?: string,
  ): Promise<StreamableFile> {
    const tenant = logOf(principal.tenantId, log);
    const size = await this.queries.treeSize(tenant);
    const range = {
      from: wholeNumber(from, 'from', { min: 0, fallback: 0 }),
      to: Math.min(size, wholeNumber(to, 'to', { min: 0, fallback: size })),
    };
    return new StreamableFile(Readable.from(exportLines(this.pool, this.store, tenant, range), { objectMode: false }), {
      type: 'application/x-ndjson; charset=utf-8',
      disposition: 'attachment; filename="events.ndjson"',
    });
  }
}

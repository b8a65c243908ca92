import { Body, Controller, Get, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import {
  ApiBearerAuth,
  ApiBody,
  ApiCreatedResponse,
  ApiFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { createHash } from 'node:crypto';
import {
  ApiProblems,
  CurrentPrincipal,
  Idempotent,
  Principal,
  Public,
  SkipRateLimit,
  setPositionHeader,
  ApiPagingQueries,
  PagingQueries,
  type PagingQuery,
} from '@csp/platform';
import { Permit, ACCESS } from '@csp/capabilities/partners';
import type { SoftwareItem } from './projections/software-list.query';
import type { Collection } from '@csp/platform';
import { ARTIFACT_CONTENT_TYPES } from './adapters/artifact-path';
import { SoftwareCollectionDto } from './software.response.dto';
import { DownloadSoftwareService } from './download-software/download-software.service';
import { IssueDownloadLinkCommand } from './issue-download-link/issue-download-link.command';
import {
  DownloadLinkResponseDto,
  IssueDownloadLinkRequestDto,
} from './issue-download-link/issue-download-link.request.dto';
import { ListSoftwareService } from './list-software/list-software.service';
import { RevealKeyCommand } from './reveal-key/reveal-key.command';
import { ProductKeyResponseDto, RevealKeyRequestDto } from './reveal-key/reveal-key.request.dto';

@ApiTags('software')
@ApiBearerAuth()
@Controller('v1/customers/:customerId/software')
export class SoftwareController {
  constructor(
    private readonly commands: CommandBus,
    private readonly software: ListSoftwareService,
  ) {}

  @Get()
  @Permit(ACCESS.software)
  @ApiOperation({ summary: 'A customer’s purchased software; cancelled items stay listed without a key' })
  @ApiPagingQueries()
  @ApiOkResponse({ type: SoftwareCollectionDto })
  @ApiProblems(400, 401, 403, 404)
  list(
    @CurrentPrincipal() principal: Principal,
    @Param('customerId') customerId: string,
    @PagingQueries() paging: PagingQuery,
  ): Promise<Collection<SoftwareItem>> {
    return this.software.list(principal, customerId, paging);
  }

  @Post(':softwareId/key')
  @HttpCode(200)
  // Never answered from the idempotency store: every key shown is decided and recorded, a retry included.
  @Idempotent({ replay: false })
  @Permit(ACCESS.software)
  @ApiOperation({ summary: 'Get the MAK product key (recorded in the activity log; KMS is never issued)' })
  @ApiParam({ name: 'softwareId', description: '`id` from the software list: `{orderId}_{lineItemNumber}`' })
  @ApiBody({
    type: RevealKeyRequestDto,
    examples: { mak: { summary: 'The MAK of version 2022', value: { version: '2022', keyType: 'MAK' } } },
  })
  @ApiOkResponse({ type: ProductKeyResponseDto, description: 'The key (Cache-Control: no-store)' })
  @ApiProblems(
    { status: 400, description: '`kms_not_allowed` for keyType "KMS", a version the software does not have' },
    401,
    403,
    404,
    { status: 409, description: '`key_pool_exhausted`' },
    { status: 410, description: '`revoked` after cancellation' },
    422,
    { status: 503, description: '`key_unavailable`: the pooled key failed its integrity check and was not served' },
  )
  async revealKey(
    @CurrentPrincipal() principal: Principal,
    @Param('customerId') customerId: string,
    @Param('softwareId') softwareId: string,
    @Body() body: RevealKeyRequestDto,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ProductKeyResponseDto> {
    const retry = request.requestContext?.retry === true;
    const r = await this.commands.execute(
      new RevealKeyCommand(principal, customerId, softwareId, body.version, body.keyType, retry),
    );
    setPositionHeader(reply, r.position);
    // A key must not linger in shared caches.
    reply.header('Cache-Control', 'no-store');
    return { productKey: r.productKey, keyType: r.keyType, version: r.version };
  }

  @Post(':softwareId/downloadlinks')
  @Idempotent()
  @Permit(ACCESS.software)
  @ApiOperation({ summary: 'Copy link: a signed link to the bits, expiring after 14 days or 50 downloads' })
  @ApiParam({ name: 'softwareId', description: '`id` from the software list: `{orderId}_{lineItemNumber}`' })
  @ApiBody({
    type: IssueDownloadLinkRequestDto,
    examples: {
      english64: { summary: 'English, 64-bit', value: { version: '2022', language: 'en-US', bitness: 'x64' } },
    },
  })
  @ApiCreatedResponse({ type: DownloadLinkResponseDto })
  @ApiProblems(
    { status: 400, description: 'a version, language or bitness the offer does not have' },
    401,
    403,
    404,
    { status: 410, description: '`revoked` after cancellation' },
    422,
  )
  async issueLink(
    @CurrentPrincipal() principal: Principal,
    @Param('customerId') customerId: string,
    @Param('softwareId') softwareId: string,
    @Body() body: IssueDownloadLinkRequestDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<DownloadLinkResponseDto> {
    const r = await this.commands.execute(
      new IssueDownloadLinkCommand(principal, customerId, softwareId, body.version, body.language, body.bitness),
    );
    setPositionHeader(reply, r.position);
    reply.header('Cache-Control', 'no-store');
    return { uri: r.uri, expiresAt: r.expiresAt, maxDownloads: r.maxDownloads, linkId: r.linkId };
  }
}

@ApiTags('software')
@Controller('v1/downloads')
export class DownloadsController {
  constructor(private readonly downloads: DownloadSoftwareService) {}

  @Get(':token')
  @Public()
  @SkipRateLimit()
  @ApiOperation({
    summary: 'Download the bits through a signed link (no auth: the link is the credential)',
    description:
      'Anonymous: the HMAC-signed token in the path is the credential, so no bearer token is sent. Every download ' +
      'is counted and recorded in the activity log.',
    security: [],
  })
  @ApiParam({ name: 'token', description: 'The signed token of a link from POST …/downloadlinks' })
  @ApiOkResponse({
    description: 'The bits (Content-Disposition: attachment), in the media type of the file',
    content: Object.fromEntries(
      ARTIFACT_CONTENT_TYPES.map((type) => [type, { schema: { type: 'string', format: 'binary' } }]),
    ),
  })
  @ApiFoundResponse({
    description: 'Redirect to the bits at the artifact store',
    headers: { Location: { description: 'Where the bits are', schema: { type: 'string', format: 'uri' } } },
  })
  @ApiProblems(
    { status: 404, description: 'a tampered or unknown link' },
    { status: 410, description: 'expired, used up or revoked' },
  )
  async download(
    @Param('token') token: string,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const ip = request.ip ? createHash('sha256').update(request.ip).digest('hex').slice(0, 16) : undefined;
    const ua = request.headers['user-agent']?.slice(0, 256);
    const outcome = await this.downloads.download(token, { userAgent: ua, ipHash: ip });
    setPositionHeader(reply, outcome.position);
    reply.header('Cache-Control', 'no-store');
    if (outcome.kind === 'redirect') {
      await reply.redirect(outcome.url, 302);
      return;
    }
    const a = outcome.artifact;
    reply
      .header('Content-Type', a.contentType)
      .header('Content-Length', String(a.size))
      .header('Content-Disposition', `attachment; filename="${a.fileName.replace(/"/g, '')}"`);
    await reply.send(a.stream);
  }
}

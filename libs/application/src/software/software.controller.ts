import { Body, Controller, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { createHash } from 'node:crypto';
import { ApiProblemResponses, CurrentPrincipal, Idempotent, Principal, Public, SkipRateLimit } from '@csp/platform';
import { Permit } from '../shared/access.guard';
import { ACCESS } from '../shared/customer-access';
import { setPositionHeader } from '../shared/position-header';
import { DownloadSoftwareService } from './download-software/download-software.service';
import { IssueDownloadLinkCommand } from './issue-download-link/issue-download-link.command';
import { IssuedLink } from './issue-download-link/issue-download-link.handler';
import {
  DownloadLinkResponseDto,
  IssueDownloadLinkRequestDto,
} from './issue-download-link/issue-download-link.request.dto';
import { ListSoftwareService } from './list-software/list-software.service';
import { RevealKeyCommand } from './reveal-key/reveal-key.command';
import { RevealKeyResult } from './reveal-key/reveal-key.handler';
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
  @ApiProblemResponses(400, 401, 403, 404)
  list(
    @CurrentPrincipal() principal: Principal,
    @Param('customerId') customerId: string,
    @Query('size') size?: string,
    @Query('continuationToken') continuationToken?: string,
    @Query('minPosition') minPosition?: string,
  ): Promise<unknown> {
    return this.software.list(principal, customerId, { size, continuationToken, minPosition });
  }

  @Post(':softwareId/key')
  @HttpCode(200)
  // Never answered from the idempotency store: every key shown is decided and recorded, a retry included.
  @Idempotent({ replay: false })
  @Permit(ACCESS.software)
  @ApiOperation({ summary: 'Get the MAK product key (recorded in the activity log; KMS is never issued)' })
  @ApiOkResponse({ type: ProductKeyResponseDto })
  @ApiProblemResponses(400, 401, 403, 404, 410)
  async revealKey(
    @CurrentPrincipal() principal: Principal,
    @Param('customerId') customerId: string,
    @Param('softwareId') softwareId: string,
    @Body() body: RevealKeyRequestDto,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ProductKeyResponseDto> {
    const retry = request.requestContext?.retry === true;
    const r: RevealKeyResult = await this.commands.execute(
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
  @ApiCreatedResponse({ type: DownloadLinkResponseDto })
  @ApiProblemResponses(400, 401, 403, 404, 410)
  async issueLink(
    @CurrentPrincipal() principal: Principal,
    @Param('customerId') customerId: string,
    @Param('softwareId') softwareId: string,
    @Body() body: IssueDownloadLinkRequestDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<DownloadLinkResponseDto> {
    const r: IssuedLink = await this.commands.execute(
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
  @ApiOperation({ summary: 'Download the bits through a signed link (no auth: the link is the credential)' })
  @ApiOkResponse({ description: 'The bits (application/octet-stream), or 302 to them' })
  @ApiProblemResponses(404, 410)
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

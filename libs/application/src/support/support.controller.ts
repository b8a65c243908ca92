import { Body, Controller, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ApiProblemResponses, CurrentPrincipal, Idempotent, Principal } from '@csp/platform';
import { Permit } from '../shared/access.guard';
import { setPositionHeader } from '../shared/position-header';
import { SubmitSupportRequestHandler } from './submit-support-request/submit-support-request.handler';
import { SubmitSupportRequestDto } from './submit-support-request/submit-support-request.request.dto';

@ApiTags('support')
@ApiBearerAuth()
@Controller('v1/supportrequests')
export class SupportController {
  constructor(private readonly submit: SubmitSupportRequestHandler) {}

  @Post()
  @Idempotent()
  @Permit('fileSupportRequest')
  @ApiOperation({ summary: 'File a "CSP Purchase/Refund on behalf of customers" support request' })
  @ApiCreatedResponse({ description: 'The support request, status "submitted"' })
  @ApiProblemResponses(400, 401, 403, 404)
  async create(
    @CurrentPrincipal() principal: Principal,
    @Body() body: SubmitSupportRequestDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<unknown> {
    const { request, position } = await this.submit.execute(principal, body);
    setPositionHeader(reply, position);
    if (request.status === 'none') throw new Error('support request not recorded');
    const { supportRequestId, ...rest } = request;
    return { id: supportRequestId, ...rest };
  }
}

import { Body, Controller, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiBody, ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ApiProblems, CurrentPrincipal, Idempotent, Principal, setPositionHeader } from '@csp/platform';
import { Permit } from '@csp/capabilities/partners';
import { SubmitSupportRequestCommand } from './submit-support-request/submit-support-request.command';
import { SubmitSupportRequestDto } from './submit-support-request/submit-support-request.request.dto';
import { SupportRequestResponseDto } from './submit-support-request/support-request.response.dto';

@ApiTags('support')
@ApiBearerAuth()
@Controller('v1/supportrequests')
export class SupportController {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  @Idempotent()
  @Permit('fileSupportRequest')
  @ApiOperation({ summary: 'File a "CSP Purchase/Refund on behalf of customers" support request' })
  @ApiBody({
    type: SubmitSupportRequestDto,
    examples: {
      refund: {
        summary: 'A refund after the cancellation window',
        value: {
          problemType: 'CSP Purchase/Refund on behalf of customers',
          impact: 'moderate',
          title: 'Refund of an order past the cancellation window',
          description: {
            customerTenantIdOrDomain: 'contoso.onmicrosoft.com',
            orderIdOrSubscriptionId: '3f2b8c1e-5d4a-4e7b-9c0d-1a2b3c4d5e6f',
            refundReason: 'Bought by mistake; the customer never used it.',
            amountRequested: { amount: '1234.50', currencyCode: 'PLN' },
          },
          contact: { name: 'Anna Nowak', email: 'anna@partner.example', phone: '+48 22 123 45 67' },
        },
      },
    },
  })
  @ApiCreatedResponse({ type: SupportRequestResponseDto, description: 'The support request, status "submitted"' })
  @ApiProblems({ status: 400, description: 'names each missing or bad field' }, 401, 403, 404, 422)
  async create(
    @CurrentPrincipal() principal: Principal,
    @Body() body: SubmitSupportRequestDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<SupportRequestResponseDto> {
    const { request, position } = await this.commands.execute(new SubmitSupportRequestCommand(principal, body));
    setPositionHeader(reply, position);
    if (request.status === 'none') throw new Error('support request not recorded');
    const { supportRequestId, ...rest } = request;
    return { id: supportRequestId, ...rest };
  }
}

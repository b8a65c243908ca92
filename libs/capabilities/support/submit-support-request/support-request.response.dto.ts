import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { SUPPORT_IMPACTS } from '@csp/domain';
import { MoneyResponseDto } from '@csp/platform';

// OpenAPI description of a submitted support request (documentation only; the domain's event data builds it).

@ApiSchema({ name: 'SupportRequestDescription' })
export class SupportRequestDescriptionResponseDto {
  @ApiProperty()
  customerTenantIdOrDomain!: string;
  @ApiProperty()
  orderIdOrSubscriptionId!: string;
  @ApiProperty()
  refundReason!: string;
  @ApiProperty({ type: MoneyResponseDto, description: 'As given, with the currency’s minor digits' })
  amountRequested!: MoneyResponseDto;
  @ApiProperty({ type: 'integer', description: 'amountRequested in minor units' })
  amountRequestedMinor!: number;
}

@ApiSchema({ name: 'SupportContact' })
export class SupportContactResponseDto {
  @ApiProperty()
  name!: string;
  @ApiProperty()
  email!: string;
  @ApiProperty()
  phone!: string;
}

@ApiSchema({ name: 'SupportAttachment', description: 'An attachment as stored (its content is not echoed).' })
export class SupportAttachmentResponseDto {
  @ApiProperty()
  fileName!: string;
  @ApiProperty({ example: 'application/pdf' })
  contentType!: string;
  @ApiProperty({ type: 'integer', minimum: 0, description: 'Bytes' })
  size!: number;
  @ApiProperty({ pattern: '^[0-9a-f]{64}$', description: 'Hex SHA-256 of the content' })
  sha256!: string;
}

@ApiSchema({ name: 'Actor' })
export class ActorResponseDto {
  @ApiProperty({ description: 'The token’s `sub`' })
  userId!: string;
  @ApiProperty({ description: 'The token’s `upn`' })
  upn!: string;
  @ApiProperty({ format: 'uuid', description: 'The token’s `tid`' })
  tenantId!: string;
}

@ApiSchema({ name: 'SupportRequest' })
export class SupportRequestResponseDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;
  @ApiProperty({ format: 'uuid' })
  partnerTenantId!: string;
  @ApiProperty({ example: 'CSP Purchase/Refund on behalf of customers' })
  problemType!: string;
  @ApiProperty({ enum: [...SUPPORT_IMPACTS] })
  impact!: string;
  @ApiProperty()
  title!: string;
  @ApiProperty({ type: SupportRequestDescriptionResponseDto })
  description!: SupportRequestDescriptionResponseDto;
  @ApiProperty({ type: SupportContactResponseDto })
  contact!: SupportContactResponseDto;
  @ApiProperty({ type: [SupportAttachmentResponseDto] })
  attachments!: SupportAttachmentResponseDto[];
  @ApiProperty({ type: ActorResponseDto })
  submittedBy!: ActorResponseDto;
  @ApiProperty({ format: 'date-time' })
  submittedAt!: string;
  @ApiProperty({ enum: ['submitted'] })
  status!: 'submitted';
}

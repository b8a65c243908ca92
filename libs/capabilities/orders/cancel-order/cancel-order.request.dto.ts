import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  Allow,
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Max,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { registerBodyRules } from '@csp/platform';
import { CANCEL_ORDER_KEYS, canonicalKeys } from '../partner-center-keys';

export class CancelLineItemRequestDto {
  @ApiProperty({ minimum: 0, example: 0 })
  @IsInt()
  @Min(0)
  @Max(99)
  lineItemNumber!: number;

  @ApiPropertyOptional({ description: 'Partner Center: the line’s offer; must match it.' })
  @IsOptional()
  @IsString()
  offerId?: string;

  @ApiPropertyOptional({
    type: 'integer',
    description: 'When the order read is sent back: the line’s quantity (a line is cancelled whole).',
  })
  @IsOptional()
  @IsInt()
  quantity?: number;

  // The rest of a line as GET gave it (Partner Center's SDK sends the order back): read-only, not acted on.
  @Allow() friendlyName?: unknown;
  @Allow() kind?: unknown;
  @Allow() originalQuantity?: unknown;
  @Allow() unitPrice?: unknown;
  @Allow() termDuration?: unknown;
  @Allow() cancelled?: unknown;
  @Allow() credit?: unknown;
  @Allow() partnerIdOnRecord?: unknown;
  @Allow() additionalPartnerIdsOnRecord?: unknown;
  @Allow() provisioningContext?: unknown;
  @Allow() subscriptionId?: unknown;
  @Allow() parentSubscriptionId?: unknown;
  @Allow() transactionType?: unknown;
  @Allow() renewsTo?: unknown;
  @Allow() links?: unknown;
  @Allow() attributes?: unknown;
}

/**
 * Partner Center's cancellation: PATCH the order with status "cancelled" and the line items to cancel. Field
 * names are read case-insensitively, as Partner Center does (canonicalKeys, the body's normalisation below).
 */
export class CancelOrderRequestDto {
  @ApiPropertyOptional({ description: 'Partner Center repeats the order id; it must be the order of the path.' })
  @IsOptional()
  @IsString()
  id?: string;

  @ApiProperty({ enum: ['cancelled'] })
  @IsIn(['cancelled'], { message: 'status must be "cancelled"' })
  status!: 'cancelled';

  @ApiPropertyOptional({ type: [CancelLineItemRequestDto], description: 'Absent: every remaining line item.' })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => CancelLineItemRequestDto)
  lineItems?: CancelLineItemRequestDto[];

  @ApiPropertyOptional({ description: 'When the order read is sent back: must be the order’s.' })
  @IsOptional()
  @IsString()
  customerId?: string;
  @ApiPropertyOptional({ description: 'When the order read is sent back: must be the order’s.' })
  @IsOptional()
  @IsString()
  referenceCustomerId?: string;
  @ApiPropertyOptional({ description: 'When the order read is sent back: must be the order’s.' })
  @IsOptional()
  @IsString()
  currencyCode?: string;
  @ApiPropertyOptional({ description: 'When the order read is sent back: must be the order’s.' })
  @IsOptional()
  @IsString()
  billingCycle?: string;

  // The rest of the order as GET gave it: read-only, not acted on.
  @Allow() alternateId?: unknown;
  @Allow() creationDate?: unknown;
  @Allow() taxInclusive?: unknown;
  @Allow() total?: unknown;
  @Allow() totalPrice?: unknown;
  @Allow() cancellations?: unknown;
  @Allow() currencySymbol?: unknown;
  @Allow() transactionType?: unknown;
  @Allow() links?: unknown;
  @Allow() attributes?: unknown;
  @Allow() client?: unknown;
  @Allow() partnerOnRecordAttestationAccepted?: unknown;

  @ApiPropertyOptional({
    description:
      'Optional confirmation that the cancellation notice was read, recorded as given; false is refused (422), ' +
      'and a deployment may require true (REQUIRE_CANCELLATION_ACK).',
    example: true,
  })
  // Absent is fine; null is a wrong type like any other.
  @ValidateIf((o: CancelOrderRequestDto) => o.acknowledgedCancellationNotice !== undefined)
  @IsBoolean({ message: 'acknowledgedCancellationNotice must be true or false' })
  acknowledgedCancellationNotice?: boolean;
}

registerBodyRules(CancelOrderRequestDto, { normalise: (body) => canonicalKeys(body, CANCEL_ORDER_KEYS) });

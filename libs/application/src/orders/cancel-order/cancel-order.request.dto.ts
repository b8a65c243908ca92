import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
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
}

/**
 * Partner Center's cancellation: PATCH the order with status "cancelled" and the line items to cancel. Field
 * names are read case-insensitively, as Partner Center does.
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

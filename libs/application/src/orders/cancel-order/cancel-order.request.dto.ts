import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  Equals,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';

export class CancelLineItemRequestDto {
  @ApiProperty({ minimum: 0, example: 0 })
  @IsInt()
  @Min(0)
  @Max(99)
  lineItemNumber!: number;
}

/** Partner Center's cancellation: PATCH the order with status "cancelled" and the line items to cancel. */
export class CancelOrderRequestDto {
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

  @ApiProperty({
    description: 'The caller confirms it has read the cancellation notice: must be true.',
    example: true,
  })
  @IsBoolean()
  @Equals(true, { message: 'acknowledgedCancellationNotice must be true: confirm the cancellation notice was read' })
  acknowledgedCancellationNotice!: boolean;
}

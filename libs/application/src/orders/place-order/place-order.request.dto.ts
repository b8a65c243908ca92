import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsInt, IsString, Matches, Max, Min, ValidateNested } from 'class-validator';

export class OrderLineItemRequestDto {
  @ApiProperty({ minimum: 0, example: 0 })
  @IsInt()
  @Min(0)
  @Max(99)
  lineItemNumber!: number;

  @ApiProperty({ example: 'DG7GMGF0D5RK:0002:DG7GMGF0D5SX', description: '{productId}:{skuId}:{availabilityId}' })
  @IsString()
  @Matches(/^[A-Za-z0-9]{1,32}:[A-Za-z0-9]{1,16}:[A-Za-z0-9]{1,32}$/, { message: 'offerId must look like {productId}:{skuId}:{availabilityId}' })
  offerId!: string;

  @ApiProperty({ minimum: 1, maximum: 10000, example: 1 })
  @IsInt()
  @Min(1)
  @Max(10000)
  quantity!: number;
}

export class PlaceOrderRequestDto {
  @ApiProperty({ type: [OrderLineItemRequestDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => OrderLineItemRequestDto)
  lineItems!: OrderLineItemRequestDto[];
}

import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsInt, IsString, ValidateNested } from 'class-validator';

// Line items: types only here; the values (line numbers 0..n-1 without duplicates, known offers, quantity
// 1..10 000) are the domain's rules, checked together so that one 400 names every bad field.

export class OrderLineItemRequestDto {
  @ApiProperty({ minimum: 0, example: 0 })
  @IsInt()
  lineItemNumber!: number;

  @ApiProperty({ example: 'DG7GMGF0D5RK:0002:DG7GMGF0D5SX', description: '{productId}:{skuId}:{availabilityId}' })
  @IsString()
  offerId!: string;

  @ApiProperty({ minimum: 1, maximum: 10000, example: 1 })
  @IsInt()
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

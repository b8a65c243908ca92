import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsInt,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { BILLING_CYCLES } from '@csp/domain';

// Line items: types only here; the values (line numbers 0..n-1 without duplicates, known offers, quantity
// 1..10 000, Partner Center's fields against the customer and the offers) are the domain's rules, checked
// together so that one 400 names every bad field. Field names are read case-insensitively, as Partner
// Center does (PartnerCenterKeysInterceptor).

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

  @ApiPropertyOptional({ description: 'Partner Center: the partner’s own name for the line.', maxLength: 256 })
  @IsOptional()
  @IsString()
  @MaxLength(256)
  friendlyName?: string;

  @ApiPropertyOptional({ description: 'Partner Center: the indirect reseller’s partner id.', maxLength: 64 })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  partnerIdOnRecord?: string;

  @ApiPropertyOptional({ type: [String], description: 'Partner Center: further partner ids on record.' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @MaxLength(64, { each: true })
  additionalPartnerIdsOnRecord?: string[];

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'string' },
    description: 'Partner Center: provisioning information (strings), stored with the line.',
    example: { scope: 'shared' },
  })
  @IsOptional()
  @IsObject()
  provisioningContext?: Record<string, string>;

  @ApiPropertyOptional({
    example: 'P1Y',
    description: 'Partner Center: must be the offer’s term (none for perpetual).',
  })
  @IsOptional()
  @IsString()
  termDuration?: string;
}

export class OrderAttributesRequestDto {
  @ApiPropertyOptional({ enum: ['Order'] })
  @IsOptional()
  @IsString()
  objectType?: string;
}

export class PlaceOrderRequestDto {
  @ApiProperty({ type: [OrderLineItemRequestDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => OrderLineItemRequestDto)
  lineItems!: OrderLineItemRequestDto[];

  @ApiPropertyOptional({ description: 'Partner Center: a client order id, recorded; the service assigns the id.' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(128)
  id?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Partner Center: must be the customer of the path.' })
  @IsOptional()
  @IsString()
  referenceCustomerId?: string;

  @ApiPropertyOptional({ enum: BILLING_CYCLES, description: 'Must be one the offers are billed with; none: default.' })
  @IsOptional()
  @IsString()
  billingCycle?: string;

  @ApiPropertyOptional({ example: 'PLN', description: 'Must be the currency of the customer’s market.' })
  @IsOptional()
  @IsString()
  currencyCode?: string;

  @ApiPropertyOptional({ description: 'Partner Center: the partner-of-record attestation, recorded.' })
  @IsOptional()
  @IsBoolean()
  partnerOnRecordAttestationAccepted?: boolean;

  @ApiPropertyOptional({ type: OrderAttributesRequestDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => OrderAttributesRequestDto)
  attributes?: OrderAttributesRequestDto;
}

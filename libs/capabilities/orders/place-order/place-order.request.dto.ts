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
import { isPlainWithKeys, registerBodyRules } from '@csp/platform';
import { canonicalKeys, PLACE_ORDER_KEYS } from '../partner-center-keys';

// Line items: types only here; the values (line numbers 0..n-1 without duplicates, known offers, quantity
// 1..10 000, Partner Center's fields against the customer and the offers) are the domain's rules, checked
// together so that one 400 names every bad field. Field names are read case-insensitively, as Partner
// Center does (canonicalKeys, the body's normalisation below).

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

const BODY_KEYS = new Set(['lineItems', 'referenceCustomerId', 'billingCycle', 'currencyCode']);
const OPTIONAL_STRINGS = ['referenceCustomerId', 'billingCycle', 'currencyCode'] as const;
const LINE_KEYS = ['lineItemNumber', 'offerId', 'quantity'];
const LINE_KEY_SET = new Set(LINE_KEYS);
const isInt = (v: unknown) => typeof v === 'number' && Number.isInteger(v);

/**
 * Field names read case-insensitively (canonicalKeys). The common body: 1..100 line items of exactly lineItemNumber, offerId and quantity (integer, string, integer),
 * optionally referenceCustomerId, billingCycle, currencyCode as strings. Built as the pipe builds it; any other
 * body takes the full check (body-rules.ts).
 */
function knownShape(body: unknown): PlaceOrderRequestDto | undefined {
  if (!isPlainWithKeys(body, BODY_KEYS, ['lineItems'])) return undefined;
  const plain = body as Record<string, unknown>;
  for (const key of OPTIONAL_STRINGS) if (key in plain && typeof plain[key] !== 'string') return undefined;
  const lines = plain.lineItems;
  if (!Array.isArray(lines) || lines.length < 1 || lines.length > 100) return undefined;
  for (const line of lines) {
    if (!isPlainWithKeys(line, LINE_KEY_SET, LINE_KEYS)) return undefined;
    const l = line as Record<string, unknown>;
    if (!isInt(l.lineItemNumber) || typeof l.offerId !== 'string' || !isInt(l.quantity)) return undefined;
  }
  const dto = new PlaceOrderRequestDto() as unknown as Record<string, unknown>;
  for (const key in plain) {
    dto[key] =
      key === 'lineItems'
        ? lines.map((line: Record<string, unknown>) => {
            const built = new OrderLineItemRequestDto() as unknown as Record<string, unknown>;
            for (const k in line) built[k] = line[k];
            return built;
          })
        : plain[key];
  }
  return dto as unknown as PlaceOrderRequestDto;
}

registerBodyRules(PlaceOrderRequestDto, { normalise: (body) => canonicalKeys(body, PLACE_ORDER_KEYS), knownShape });

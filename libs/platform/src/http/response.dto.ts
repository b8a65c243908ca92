import type { Type } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { OFFER_KINDS } from '@csp/domain';

// OpenAPI descriptions of the shapes every resource shares (documentation only: the views build the values).

/** ISO 8601 durations of terms (null: perpetual). */
export const TERM_DURATIONS = ['P1M', 'P1Y', 'P3Y', 'P5Y'];

export const MONEY_AMOUNT_PATTERN = '^-?\\d+(\\.\\d+)?$';

/** The fields that name a purchased line item wherever one is shown (software, credits): declared once. */
export class PurchasedLineFieldsDto {
  @ApiProperty({ description: '`{orderId}_{lineItemNumber}`', example: '3f2b8c1e-5d4a-4e7b-9c0d-1a2b3c4d5e6f_0' })
  id!: string;
  @ApiProperty({ format: 'uuid' })
  orderId!: string;
  @ApiProperty({ type: 'integer', minimum: 0 })
  lineItemNumber!: number;
  @ApiProperty()
  offerId!: string;
  @ApiProperty()
  friendlyName!: string;
  @ApiProperty({ enum: [...OFFER_KINDS] })
  kind!: string;
}

@ApiSchema({ name: 'Link', description: 'A Partner Center link: where and how to follow it.' })
export class LinkDto {
  @ApiProperty({ description: 'Path of the link, relative to the server', example: '/v1/customers' })
  uri!: string;
  @ApiProperty({ enum: ['GET', 'POST', 'PATCH'], example: 'GET' })
  method!: string;
}

@ApiSchema({ name: 'Money', description: 'An amount with the currency’s minor digits, as a decimal string.' })
export class MoneyResponseDto {
  @ApiProperty({ pattern: MONEY_AMOUNT_PATTERN, example: '1234.50' })
  amount!: string;
  @ApiProperty({ description: 'ISO 4217', pattern: '^[A-Z]{3}$', example: 'PLN' })
  currencyCode!: string;
}

@ApiSchema({ name: 'CollectionLinks' })
export class CollectionLinksDto {
  @ApiProperty({ type: LinkDto })
  self!: LinkDto;
  @ApiPropertyOptional({ type: LinkDto, description: 'The next page; absent on the last one' })
  next?: LinkDto;
}

const ATTRIBUTES = new Map<string, Type<{ objectType: string }>>();

/** Partner Center's `attributes: { objectType }` of a resource, as the schema `{objectType}Attributes`. */
export function objectTypeAttributes(objectType: string): Type<{ objectType: string }> {
  let dto = ATTRIBUTES.get(objectType);
  if (!dto) {
    @ApiSchema({ name: `${objectType}Attributes` })
    class Attributes {
      @ApiProperty({ enum: [objectType] })
      objectType!: string;
    }
    dto = Attributes;
    ATTRIBUTES.set(objectType, dto);
  }
  return dto;
}

export const CollectionAttributesDto = objectTypeAttributes('Collection');

/**
 * The collection shape (Partner Center's) of an item schema, named `{name}`:
 * `{ totalCount, items, links: { self, next? }, attributes: { objectType: "Collection" } }`.
 */
export interface CollectionShape {
  totalCount: number;
  items: unknown[];
  links: CollectionLinksDto;
  attributes: { objectType: string };
}

export function CollectionDto(item: Type<unknown>, name: string, description?: string): Type<CollectionShape> {
  @ApiSchema({ name, description })
  class Collection implements CollectionShape {
    @ApiProperty({ type: 'integer', minimum: 0, description: 'Items in the whole list (all pages)' })
    totalCount!: number;
    @ApiProperty({ type: [item] })
    items!: unknown[];
    @ApiProperty({ type: CollectionLinksDto })
    links!: CollectionLinksDto;
    @ApiProperty({ type: CollectionAttributesDto })
    attributes!: { objectType: string };
  }
  return Collection;
}

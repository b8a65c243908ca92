import type { Type } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, ApiSchema, type ApiPropertyOptions } from '@nestjs/swagger';
import { BILLING_CYCLES } from '@csp/domain';
import { objectTypeAttributes } from '@csp/platform';

// OpenAPI descriptions of Partner Center's order fields (documentation only: order.view.ts builds the values).
// documentPartnerCenterOrderFields adds them to the order response DTOs wherever those are declared.

@ApiSchema({ name: 'LinkHeader' })
export class LinkHeaderDto {
  @ApiProperty()
  key!: string;
  @ApiProperty()
  value!: string;
}

@ApiSchema({ name: 'ResourceLink', description: 'A Partner Center link with the headers to send (none today).' })
export class ResourceLinkDto {
  @ApiProperty({ example: '/v1/customers/6f1c3a52-0d5e-4d2b-9a53-6a4c5d1e8b01/orders' })
  uri!: string;
  @ApiProperty({ enum: ['GET', 'POST', 'PATCH'] })
  method!: string;
  @ApiProperty({ type: [LinkHeaderDto] })
  headers!: LinkHeaderDto[];
}

@ApiSchema({ name: 'OrderResourceLinks' })
export class OrderResourceLinksDto {
  @ApiProperty({ type: ResourceLinkDto })
  self!: ResourceLinkDto;
  @ApiProperty({ type: ResourceLinkDto })
  provisioningStatus!: ResourceLinkDto;
  @ApiProperty({ type: ResourceLinkDto, description: 'PATCH here to cancel' })
  patchOperation!: ResourceLinkDto;
  @ApiProperty({ type: ResourceLinkDto })
  cancellationEligibility!: ResourceLinkDto;
}

@ApiSchema({ name: 'OrderLineItemLinks', description: 'Software lines only: where to get a key or a link.' })
export class OrderLineItemLinksDto {
  @ApiPropertyOptional({ type: ResourceLinkDto })
  key?: ResourceLinkDto;
  @ApiPropertyOptional({ type: ResourceLinkDto })
  downloadLinks?: ResourceLinkDto;
}

const objectTypeDto = objectTypeAttributes;

export const ORDER_ATTRIBUTES = objectTypeDto('Order');
export const ORDER_LINE_ITEM_ATTRIBUTES = objectTypeDto('OrderLineItem');

const ORDER_FIELDS: Record<string, ApiPropertyOptions> = {
  alternateId: { type: String, description: 'A friendly form of the id (its 32 hex digits)' },
  referenceCustomerId: {
    type: String,
    format: 'uuid',
    description: 'The customer (Partner Center’s name for customerId)',
  },
  billingCycle: { type: String, enum: BILLING_CYCLES.filter((c) => c !== 'none') },
  currencySymbol: { type: String, example: 'zł' },
  transactionType: { type: String, enum: ['UserPurchase'] },
  links: { type: OrderResourceLinksDto },
  attributes: { type: ORDER_ATTRIBUTES },
};

const LINE_FIELDS: Record<string, ApiPropertyOptions> = {
  links: { type: OrderLineItemLinksDto },
  attributes: { type: ORDER_LINE_ITEM_ATTRIBUTES },
  partnerIdOnRecord: { required: false, type: String },
  additionalPartnerIdsOnRecord: { required: false, type: [String] },
  provisioningContext: {
    required: false,
    type: 'object',
    additionalProperties: { type: 'string' },
  } as unknown as ApiPropertyOptions,
};

/** Declares Partner Center's fields on the order DTO and its line item DTO. */
export function documentPartnerCenterOrderFields(order: Type<unknown>, lineItem: Type<unknown>): void {
  for (const [name, options] of Object.entries(ORDER_FIELDS)) ApiProperty(options)(order.prototype as object, name);
  for (const [name, options] of Object.entries(LINE_FIELDS)) ApiProperty(options)(lineItem.prototype as object, name);
}

@ApiSchema({ name: 'QuantityProvisioningStatus' })
export class QuantityProvisioningStatusDto {
  @ApiProperty({ type: 'integer', minimum: 0 })
  quantity!: number;
  @ApiProperty({ enum: ['fulfilled', 'cancellationPending', 'cancelled'] })
  status!: string;
}

@ApiSchema({ name: 'OrderLineItemProvisioningStatus' })
export class OrderLineItemProvisioningStatusDto {
  @ApiProperty({ type: 'integer', minimum: 0 })
  lineItemNumber!: number;
  @ApiProperty({
    enum: ['fulfilled', 'cancellationPending', 'cancelled'],
    description: 'cancellationPending until the cancellation has propagated',
  })
  status!: string;
  @ApiProperty({ type: [QuantityProvisioningStatusDto] })
  quantityProvisioningInformation!: QuantityProvisioningStatusDto[];
  @ApiProperty({ type: objectTypeDto('OrderLineItemProvisioningStatus') })
  attributes!: { objectType: string };
}

@ApiSchema({ name: 'SelfLink' })
export class SelfLinkDto {
  @ApiProperty()
  uri!: string;
  @ApiProperty({ enum: ['GET'] })
  method!: string;
}

@ApiSchema({ name: 'SelfLinks' })
export class SelfLinksDto {
  @ApiProperty({ type: SelfLinkDto })
  self!: SelfLinkDto;
}

@ApiSchema({ name: 'OrderProvisioningStatusCollection' })
export class OrderProvisioningStatusCollectionDto {
  @ApiProperty({ type: 'integer', minimum: 0 })
  totalCount!: number;
  @ApiProperty({ type: [OrderLineItemProvisioningStatusDto] })
  items!: OrderLineItemProvisioningStatusDto[];
  @ApiProperty({ type: SelfLinksDto })
  links!: SelfLinksDto;
  @ApiProperty({ type: objectTypeDto('Collection') })
  attributes!: { objectType: string };
}

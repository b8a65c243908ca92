import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { OFFER_KINDS } from '@csp/domain';
import { CollectionDto, LinkDto, MoneyResponseDto, TERM_DURATIONS } from '@csp/platform';
import { documentPartnerCenterOrderFields } from './order-partner-center.response.dto';

// OpenAPI description of API.md's order resource (documentation only; order.view.ts and the projection's
// foldOrderView build it).

const BASES = ['full', 'prorated'];

@ApiSchema({ name: 'OrderLineItem' })
export class OrderLineItemResponseDto {
  @ApiProperty({ type: 'integer', minimum: 0, example: 0 })
  lineItemNumber!: number;
  @ApiProperty({ example: 'DG7GMGF0D7FV:0001:DG7GMGF0D7FW' })
  offerId!: string;
  @ApiProperty({
    example: 'Windows Server 2022 Standard - 16 Core License Pack',
    description: 'The offer’s name, or the partner’s own name for the line when the order gave one',
  })
  friendlyName!: string;
  @ApiProperty({ enum: [...OFFER_KINDS] })
  kind!: string;
  @ApiProperty({ type: 'integer', minimum: 0, description: '0 once the line is cancelled (see originalQuantity)' })
  quantity!: number;
  @ApiProperty({ type: 'integer', minimum: 1 })
  originalQuantity!: number;
  @ApiProperty({ type: MoneyResponseDto })
  unitPrice!: MoneyResponseDto;
  @ApiProperty({ enum: TERM_DURATIONS, nullable: true, description: 'null for perpetual software' })
  termDuration!: string | null;
  @ApiProperty()
  cancelled!: boolean;
  @ApiProperty({ type: MoneyResponseDto, nullable: true, description: 'The line’s credit once cancelled' })
  credit!: MoneyResponseDto | null;
}

@ApiSchema({ name: 'OrderCancellationLineItem' })
export class OrderCancellationLineItemDto {
  @ApiProperty({ type: 'integer', minimum: 0 })
  lineItemNumber!: number;
  @ApiProperty()
  offerId!: string;
  @ApiProperty({ type: 'integer', minimum: 1, description: 'The quantity cancelled' })
  quantity!: number;
  @ApiProperty({ type: MoneyResponseDto })
  credit!: MoneyResponseDto;
  @ApiProperty({ enum: BASES, description: 'full: perpetual software; prorated: subscriptions' })
  basis!: string;
}

@ApiSchema({ name: 'OrderCancellation' })
export class OrderCancellationDto {
  @ApiProperty({ format: 'date-time' })
  requestedAt!: string;
  @ApiProperty({ format: 'date-time', description: 'By when revocation and credit are due' })
  propagationDeadline!: string;
  @ApiProperty({ enum: ['propagating', 'propagated'] })
  status!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  propagatedAt!: string | null;
  @ApiProperty({ type: MoneyResponseDto, description: 'Total credit of this cancellation' })
  credit!: MoneyResponseDto;
  @ApiProperty({ type: [OrderCancellationLineItemDto] })
  lineItems!: OrderCancellationLineItemDto[];
}

@ApiSchema({ name: 'Order' })
export class OrderResponseDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;
  @ApiProperty({ format: 'uuid' })
  customerId!: string;
  @ApiProperty({ enum: ['completed', 'cancelled'], description: 'cancelled once every line item is' })
  status!: string;
  @ApiProperty({ format: 'date-time' })
  creationDate!: string;
  @ApiProperty({ pattern: '^[A-Z]{3}$', example: 'PLN' })
  currencyCode!: string;
  @ApiProperty()
  taxInclusive!: boolean;
  @ApiProperty({ type: MoneyResponseDto, description: 'The amount of the purchase (credits are in cancellations)' })
  total!: MoneyResponseDto;
  @ApiProperty({ type: [OrderLineItemResponseDto] })
  lineItems!: OrderLineItemResponseDto[];
  @ApiProperty({ type: [OrderCancellationDto] })
  cancellations!: OrderCancellationDto[];
}

// Partner Center's fields (alternateId, referenceCustomerId, billingCycle, currencySymbol, transactionType, links,
// attributes; the line items' links, attributes and the partner's optional line fields).
documentPartnerCenterOrderFields(OrderResponseDto, OrderLineItemResponseDto);

export const OrderCollectionDto = CollectionDto(OrderResponseDto, 'OrderCollection', 'Newest first');

const REASONS = ['window_passed', 'already_cancelled', 'not_cancellable'];

@ApiSchema({ name: 'LineItemEligibility' })
export class LineItemEligibilityDto {
  @ApiProperty({ type: 'integer', minimum: 0 })
  lineItemNumber!: number;
  @ApiProperty()
  offerId!: string;
  @ApiProperty({ enum: [...OFFER_KINDS] })
  kind!: string;
  @ApiProperty()
  isEligible!: boolean;
  @ApiProperty({ enum: REASONS, nullable: true, description: 'Why not; null when eligible' })
  reason!: string | null;
  @ApiProperty({ type: MoneyResponseDto, description: 'What a cancellation now would credit (0 when not eligible)' })
  expectedCredit!: MoneyResponseDto;
  @ApiProperty({ type: 'integer', description: 'expectedCredit in minor units' })
  expectedCreditMinor!: number;
  @ApiProperty({ enum: BASES, nullable: true, description: 'null for kinds that cannot be cancelled' })
  basis!: string | null;
  @ApiProperty({ type: 'integer', minimum: 0 })
  daysUsed!: number;
  @ApiProperty({ type: 'integer', nullable: true, description: 'Days of the term; null for perpetual software' })
  termDays!: number | null;
}

@ApiSchema({ name: 'CancellationEligibility' })
export class CancellationEligibilityDto {
  @ApiProperty({ format: 'uuid' })
  orderId!: string;
  @ApiProperty()
  isEligible!: boolean;
  @ApiProperty({ type: 'integer', minimum: 0, description: 'Whole days left, rounded up; 0 once not eligible' })
  daysRemaining!: number;
  @ApiProperty({ format: 'date-time' })
  windowEndsAt!: string;
  @ApiProperty()
  windowPassed!: boolean;
  @ApiProperty({ enum: REASONS, nullable: true, description: 'Why not; null when eligible' })
  reason!: string | null;
  @ApiProperty({ pattern: '^[A-Z]{3}$' })
  currencyCode!: string;
  @ApiProperty()
  taxInclusive!: boolean;
  @ApiProperty({ type: MoneyResponseDto })
  expectedTotalCredit!: MoneyResponseDto;
  @ApiProperty({ type: 'integer' })
  expectedTotalCreditMinor!: number;
  @ApiProperty({ example: '2024-01' })
  policyVersion!: string;
  @ApiProperty({
    type: LinkDto,
    nullable: true,
    description: 'Where to ask for a refund when not eligible (POST /v1/supportrequests); null when eligible',
  })
  supportRequestLink!: LinkDto | null;
  @ApiProperty({ type: [LineItemEligibilityDto] })
  lineItems!: LineItemEligibilityDto[];
}

import { ApiProperty, ApiPropertyOptional, ApiSchema, PickType } from '@nestjs/swagger';
import { CollectionDto, PurchasedLineFieldsDto, LinkDto, MoneyResponseDto, objectTypeAttributes } from '@csp/platform';

// The responses of the credits capability (documentation only): the credited line, declared once, and what
// shows it (GET /v1/credits, the change feed, the statements).

const PERIOD = { pattern: '^\\d{4}-(0[1-9]|1[0-2])$', example: '2026-11' };

@ApiSchema({
  name: 'CreditLine',
  description: 'The invoice credit of one cancelled line item, as GET /v1/credits and the change feed show it.',
})
export class CreditLineDto extends PurchasedLineFieldsDto {
  @ApiProperty({
    ...PERIOD,
    description:
      'The month the credit is invoiced in: the month (UTC) of the cancellation, or the next open month when that ' +
      'one was already closed',
  })
  period!: string;
  @ApiProperty({ ...PERIOD, description: 'The month of the cancellation; differs from period when that was closed' })
  originalPeriod!: string;
  @ApiProperty({ format: 'uuid' })
  customerId!: string;
  @ApiProperty({ enum: ['full', 'prorated'] })
  basis!: string;
  @ApiProperty({ type: MoneyResponseDto })
  credit!: MoneyResponseDto;
  @ApiProperty()
  taxInclusive!: boolean;
  @ApiProperty({ format: 'date-time' })
  cancelledAt!: string;
  @ApiProperty({ enum: ['pending', 'posted'], description: 'pending until the cancellation has propagated' })
  status!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  postedAt!: string | null;
  @ApiProperty({ type: 'string', nullable: true, ...PERIOD, description: 'The closed statement holding it' })
  statementPeriod!: string | null;
  @ApiProperty({ type: objectTypeAttributes('Credit') })
  attributes!: { objectType: string };
}

@ApiSchema({ name: 'CreditCollection', description: 'A billing period’s credit lines, totals per currency.' })
export class CreditCollectionDto extends CollectionDto(CreditLineDto, 'CreditLinePage') {
  @ApiProperty({ type: [MoneyResponseDto], description: 'Sum of every line of the filter (all pages), per currency' })
  totals!: MoneyResponseDto[];
}

@ApiSchema({ name: 'CreditChange', description: 'One change of a credit line.' })
export class CreditChangeDto {
  @ApiProperty({ example: '1234.0', description: 'Pass as `after` to resume after this change' })
  cursor!: string;
  @ApiProperty({
    enum: ['created', 'posted', 'moved'],
    description: 'created (cancelled, pending), posted (propagated), moved (its month was closed without it)',
  })
  change!: string;
  @ApiProperty({ type: 'integer', minimum: 1, description: 'Global position of the event behind the change' })
  position!: number;
  @ApiProperty({ format: 'date-time' })
  recordedAt!: string;
  @ApiProperty({ type: CreditLineDto })
  credit!: CreditLineDto;
}

@ApiSchema({ name: 'CreditChangeLinks' })
export class CreditChangeLinksDto {
  @ApiProperty({ type: LinkDto })
  self!: LinkDto;
  @ApiProperty({ type: LinkDto, description: 'The same feed after `next`: follow it, or poll it later' })
  next!: LinkDto;
}

@ApiSchema({ name: 'CreditChangePage', description: 'Changes in order, oldest first.' })
export class CreditChangePageDto {
  @ApiProperty({ type: [CreditChangeDto] })
  items!: CreditChangeDto[];
  @ApiProperty({ example: '1234.0', description: 'The cursor to resume from (the last item’s, or `after` when empty)' })
  next!: string;
  @ApiProperty({ description: 'More changes are there now; false: caught up, poll later from `next`' })
  hasMore!: boolean;
  @ApiProperty({ type: CreditChangeLinksDto })
  links!: CreditChangeLinksDto;
}

/** The credited line as a closed statement holds it: the same fields, posted, its origin only when it moved. */
@ApiSchema({ name: 'StatementLine', description: 'A credit as the closed statement holds it.' })
export class StatementLineDto extends PickType(CreditLineDto, [
  'id',
  'customerId',
  'orderId',
  'lineItemNumber',
  'offerId',
  'friendlyName',
  'kind',
  'basis',
  'credit',
  'taxInclusive',
  'cancelledAt',
] as const) {
  @ApiProperty({ format: 'date-time' })
  postedAt!: string;
  @ApiProperty({
    type: 'string',
    nullable: true,
    ...PERIOD,
    description: 'Set when the credit came from a closed month',
  })
  originalPeriod!: string | null;
}

@ApiSchema({ name: 'StatementSummary', description: 'A closed month.' })
export class StatementSummaryDto {
  @ApiProperty(PERIOD)
  period!: string;
  @ApiProperty({ format: 'date-time' })
  closedAt!: string;
  @ApiProperty({ pattern: '^[0-9a-f]{64}$', description: 'SHA-256 (hex) of the canonical content' })
  sha256!: string;
  @ApiProperty({ type: 'integer', minimum: 0 })
  lineCount!: number;
  @ApiProperty({ type: [MoneyResponseDto], description: 'Per currency, in currency-code order' })
  totals!: MoneyResponseDto[];
}

@ApiSchema({ name: 'Statement', description: 'A closed month: immutable.' })
export class StatementDto extends StatementSummaryDto {
  @ApiProperty({ type: [StatementLineDto], description: 'Sorted by id' })
  lines!: StatementLineDto[];
  @ApiPropertyOptional({
    description:
      'How sha256 is computed: SHA-256 of canonical JSON (keys sorted, no spaces) of { partnerTenantId, period, lines, totals } with amounts in minor units',
  })
  digestAlgorithm?: string;
}

export const StatementCollectionDto = CollectionDto(StatementSummaryDto, 'StatementCollection', 'Newest month first');

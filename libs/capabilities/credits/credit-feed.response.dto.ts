import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { CollectionDto, LinkDto, MoneyResponseDto } from '@csp/platform';

// OpenAPI descriptions of the credit change feed and the monthly statements (documentation only).

const PERIOD = { pattern: '^\\d{4}-(0[1-9]|1[0-2])$', example: '2026-11' };

/** The fields a credited line item has wherever it is shown (feed and statement): declared once. */
abstract class CreditedLineFieldsDto {
  @ApiProperty({ format: 'uuid' })
  customerId!: string;
  @ApiProperty({ format: 'uuid' })
  orderId!: string;
  @ApiProperty({ type: 'integer', minimum: 0 })
  lineItemNumber!: number;
  @ApiProperty()
  offerId!: string;
  @ApiProperty()
  friendlyName!: string;
  @ApiProperty({ enum: ['full', 'prorated'] })
  basis!: string;
  @ApiProperty({ type: MoneyResponseDto })
  credit!: MoneyResponseDto;
  @ApiProperty()
  taxInclusive!: boolean;
  @ApiProperty({ format: 'date-time' })
  cancelledAt!: string;
}

@ApiSchema({ name: 'LedgerCredit', description: 'A credit line as the change feed shows it, after the change.' })
export class LedgerCreditDto extends CreditedLineFieldsDto {
  @ApiProperty({ example: '3f2b8c1e-5d4a-4e7b-9c0d-1a2b3c4d5e6f_0', description: '<orderId>_<lineItemNumber>' })
  id!: string;
  @ApiProperty({ example: 'perpetual' })
  kind!: string;
  @ApiProperty({ ...PERIOD, description: 'The month the credit is invoiced in' })
  period!: string;
  @ApiProperty({ ...PERIOD, description: 'The month of the cancellation; differs from period when that was closed' })
  originalPeriod!: string;
  @ApiProperty({ enum: ['pending', 'posted'] })
  status!: string;
  @ApiProperty({ type: 'string', format: 'date-time', nullable: true })
  postedAt!: string | null;
  @ApiProperty({ type: 'string', nullable: true, ...PERIOD, description: 'The closed statement holding it' })
  statementPeriod!: string | null;
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
  @ApiProperty({ type: LedgerCreditDto })
  credit!: LedgerCreditDto;
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

@ApiSchema({ name: 'StatementLine', description: 'A credit as the closed statement holds it.' })
export class StatementLineDto extends CreditedLineFieldsDto {
  @ApiProperty()
  id!: string;
  @ApiProperty()
  kind!: string;
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

import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { OFFER_KINDS } from '@csp/domain';
import { CollectionDto, MoneyResponseDto, objectTypeAttributes } from '@csp/platform';

@ApiSchema({ name: 'CreditLine', description: 'The invoice credit of one cancelled line item.' })
export class CreditLineDto {
  @ApiProperty()
  id!: string;
  @ApiProperty({ pattern: '^\\d{4}-\\d{2}$', example: '2024-06' })
  period!: string;
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
  @ApiProperty({ enum: [...OFFER_KINDS] })
  kind!: string;
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
  @ApiProperty({ type: objectTypeAttributes('Credit') })
  attributes!: { objectType: string };
}

@ApiSchema({ name: 'CreditCollection', description: 'A billing period’s credit lines, totals per currency.' })
export class CreditCollectionDto extends CollectionDto(CreditLineDto, 'CreditLinePage') {
  @ApiProperty({ type: [MoneyResponseDto], description: 'Sum of every line of the filter (all pages), per currency' })
  totals!: MoneyResponseDto[];
}

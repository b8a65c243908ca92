import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { BITNESS_VALUES, OFFER_KINDS } from '@csp/domain';
import { CollectionDto, objectTypeAttributes } from '@csp/platform';

// OpenAPI descriptions of the software responses (documentation only; the projection's query and the handlers build them).

@ApiSchema({ name: 'Software', description: 'A purchased software line item (Billing > Your products > Software).' })
export class SoftwareResponseDto {
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
  @ApiProperty({ format: 'date-time' })
  purchaseDate!: string;
  @ApiProperty({ enum: ['active', 'cancellationPending', 'cancelled'] })
  status!: string;
  @ApiProperty({ description: 'Whether a key can be revealed (false once cancelled)' })
  keyAvailable!: boolean;
  @ApiProperty({ type: [String], example: ['2022', '2019', '2016'] })
  versions!: string[];
  @ApiProperty({ type: [String], example: ['en-US', 'pl-PL'] })
  languages!: string[];
  @ApiProperty({ enum: [...BITNESS_VALUES], isArray: true })
  bitness!: string[];
  @ApiProperty({ type: objectTypeAttributes('Software') })
  attributes!: { objectType: string };
}

export const SoftwareCollectionDto = CollectionDto(
  SoftwareResponseDto,
  'SoftwareCollection',
  'Oldest purchase first; cancelled items stay listed',
);

import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { BITNESS_VALUES } from '@csp/domain';
import { CollectionDto, PurchasedLineFieldsDto, objectTypeAttributes } from '@csp/platform';

// OpenAPI descriptions of the software responses (documentation only; the projection's query and the handlers build them).

@ApiSchema({ name: 'Software', description: 'A purchased software line item (Billing > Your products > Software).' })
export class SoftwareResponseDto extends PurchasedLineFieldsDto {
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

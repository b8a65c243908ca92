import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { MAX_LOW_WATERMARK } from '@csp/domain';
import { CollectionDto } from '@csp/platform';

const OFFER_ID = {
  description: 'Offer id `{productId}:{skuId}:{availabilityId}`',
  example: 'DG7GMGF0D7FV:0001:DG7GMGF0D7FW',
};

@ApiSchema({ name: 'ImportedKeyCount', description: 'Keys of one offer and version in an import' })
export class ImportedCountDto {
  @ApiProperty(OFFER_ID)
  offerId!: string;
  @ApiProperty({ example: '2022' })
  version!: string;
  @ApiProperty({ type: 'integer', minimum: 1, example: 250 })
  count!: number;
}

@ApiSchema({ name: 'KeyImport', description: 'An import into the key pool: counts only, never a key' })
export class KeyImportResponseDto {
  @ApiProperty({ format: 'uuid' })
  importId!: string;
  @ApiProperty({ type: 'integer', minimum: 1, example: 250 })
  imported!: number;
  @ApiProperty({ type: [ImportedCountDto] })
  byOffer!: ImportedCountDto[];
}

@ApiSchema({ name: 'KeyStock', description: 'The pool of one offer and version' })
export class KeyStockResponseDto {
  @ApiProperty(OFFER_ID)
  offerId!: string;
  @ApiProperty({ example: 'Windows Server 2022 Standard' })
  friendlyName!: string;
  @ApiProperty({ example: '2022' })
  version!: string;
  @ApiProperty({ type: 'integer', minimum: 0, description: 'Keys no order line holds yet' })
  available!: number;
  @ApiProperty({
    type: 'integer',
    minimum: 0,
    description: 'Keys assigned to an order line (shown at least once or about to be)',
  })
  assigned!: number;
  @ApiProperty({ type: 'integer', minimum: 0, description: 'Keys of cancelled lines: burnt, never back to stock' })
  revoked!: number;
  @ApiProperty({
    type: 'integer',
    minimum: 0,
    description: 'Records that failed their integrity check when first taken: never served, out of stock',
  })
  quarantined!: number;
  @ApiProperty({
    type: 'integer',
    minimum: 0,
    maximum: MAX_LOW_WATERMARK,
    description: 'Below this many available keys the pool is low',
  })
  lowWatermark!: number;
  @ApiProperty({ description: 'available < lowWatermark (the metric csp_keypool_low is 1)' })
  low!: boolean;
}

export const KeyStockCollectionResponseDto = CollectionDto(KeyStockResponseDto, 'KeyStockCollection');

@ApiSchema({ name: 'KeyImportRow', description: 'One key of an import' })
export class KeyImportRowDto {
  @ApiProperty(OFFER_ID)
  offerId!: string;
  @ApiProperty({ example: '2022', description: 'One of the offer’s versions' })
  version!: string;
  @ApiProperty({
    description: 'The MAK: 5 groups of 5 characters of BCDFGHJKMPQRTVWXY2346789',
    pattern: '^[BCDFGHJKMPQRTVWXY2346789]{5}(-[BCDFGHJKMPQRTVWXY2346789]{5}){4}$',
    example: 'XXXXX-XXXXX-XXXXX-XXXXX-XXXXX',
  })
  productKey!: string;
}

@ApiSchema({ name: 'KeyImportRequest' })
export class KeyImportRequestDto {
  @ApiProperty({ type: [KeyImportRowDto], minItems: 1, maxItems: 100_000 })
  keys!: KeyImportRowDto[];
}

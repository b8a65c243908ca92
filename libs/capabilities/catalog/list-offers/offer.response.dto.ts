import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { BITNESS_VALUES, OFFER_KINDS } from '@csp/domain';
import { CollectionDto, MoneyResponseDto, objectTypeAttributes, TERM_DURATIONS } from '@csp/platform';

// OpenAPI description of an offer of a market (documentation only; the domain's listOffersForCountry builds it).

@ApiSchema({ name: 'Offer' })
export class OfferResponseDto {
  @ApiProperty({ description: '`{productId}:{skuId}:{availabilityId}`', example: 'DG7GMGF0D7FV:0001:DG7GMGF0D7FW' })
  id!: string;
  @ApiProperty({ example: 'DG7GMGF0D7FV' })
  productId!: string;
  @ApiProperty({ example: '0001' })
  skuId!: string;
  @ApiProperty({ example: 'DG7GMGF0D7FW' })
  availabilityId!: string;
  @ApiProperty({ example: 'Windows Server 2022 Standard - 16 Core License Pack' })
  friendlyName!: string;
  @ApiProperty({ enum: [...OFFER_KINDS] })
  kind!: string;
  @ApiProperty({ enum: TERM_DURATIONS, nullable: true, description: 'ISO 8601 duration; null for perpetual software' })
  termDuration!: string | null;
  @ApiProperty({ pattern: '^[A-Z]{3}$', example: 'PLN' })
  currencyCode!: string;
  @ApiProperty({ type: MoneyResponseDto, description: 'Unit list price in the market’s currency' })
  unitPrice!: MoneyResponseDto;
  @ApiProperty()
  taxInclusive!: boolean;
  @ApiProperty({ type: [String], description: 'Downloadable versions, newest first (empty for non-software)' })
  versions!: string[];
  @ApiProperty({ type: [String], example: ['en-US', 'pl-PL'] })
  languages!: string[];
  @ApiProperty({ enum: [...BITNESS_VALUES], isArray: true })
  bitness!: string[];
  @ApiProperty({ description: 'Whether its purchases can be cancelled (not SUSE/Red Hat plans, Azure reservations)' })
  cancellable!: boolean;
  @ApiProperty()
  availableInMarket!: boolean;
  @ApiProperty({
    nullable: true,
    description: 'Why it is not available, e.g. `azure_reservations_not_sold_in_market`',
    type: String,
  })
  unavailableReason!: string | null;
  @ApiProperty({ description: 'Version of the catalog the offer comes from' })
  catalogVersion!: string;
  @ApiProperty({ type: objectTypeAttributes('Offer') })
  attributes!: { objectType: string };
}

export const OfferCollectionDto = CollectionDto(OfferResponseDto, 'OfferCollection');

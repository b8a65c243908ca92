import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { CollectionDto, LinkDto, objectTypeAttributes } from '@csp/platform';

// OpenAPI description of API.md's customer resource (documentation only; customer.view.ts builds it).

@ApiSchema({ name: 'CustomerLinks' })
export class CustomerLinksDto {
  @ApiProperty({ type: LinkDto })
  self!: LinkDto;
}

@ApiSchema({ name: 'Customer' })
export class CustomerResponseDto {
  @ApiProperty({ format: 'uuid', description: 'The customer’s tenant GUID (the `tid` of its users’ tokens)' })
  id!: string;
  @ApiProperty({ format: 'uuid', description: 'The partner tenant the customer belongs to' })
  partnerTenantId!: string;
  @ApiProperty({ example: 'Contoso Ltd' })
  companyName!: string;
  @ApiProperty({ example: 'contoso.onmicrosoft.com' })
  domain!: string;
  @ApiProperty({ description: 'ISO 3166-1 alpha-2', pattern: '^[A-Z]{2}$', example: 'PL' })
  country!: string;
  @ApiProperty({ description: 'The market’s currency (ISO 4217)', pattern: '^[A-Z]{3}$', example: 'PLN' })
  currencyCode!: string;
  @ApiProperty({ description: 'Whether the market’s prices include tax' })
  taxInclusivePricing!: boolean;
  @ApiProperty({ format: 'date-time' })
  registeredAt!: string;
  @ApiProperty({ type: CustomerLinksDto })
  links!: CustomerLinksDto;
  @ApiProperty({ type: objectTypeAttributes('Customer') })
  attributes!: { objectType: string };
}

export const CustomerCollectionDto = CollectionDto(CustomerResponseDto, 'CustomerCollection');

import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, IsUUID } from 'class-validator';

// Types only: the values (length, domain syntax, country code) are the domain's rules, checked together so that
// one 400 names every bad field.

export class RegisterCustomerRequestDto {
  @ApiProperty({ example: 'Contoso Ltd', maxLength: 200 })
  @IsString()
  companyName!: string;

  @ApiProperty({ example: 'contoso.onmicrosoft.com', description: 'The customer’s primary domain; unique.' })
  @IsString()
  domain!: string;

  @ApiProperty({ example: 'PL', description: 'ISO 3166-1 alpha-2; fixes the market and currency.' })
  @IsString()
  country!: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'The customer’s tenant GUID; a new one when absent.' })
  @IsOptional()
  @IsUUID()
  tenantId?: string;
}

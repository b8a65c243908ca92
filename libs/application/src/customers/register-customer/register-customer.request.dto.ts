import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, IsUUID, Length, Matches, MaxLength } from 'class-validator';

export class RegisterCustomerRequestDto {
  @ApiProperty({ example: 'Contoso Ltd', maxLength: 200 })
  @IsString()
  @Length(1, 200)
  companyName!: string;

  @ApiProperty({ example: 'contoso.onmicrosoft.com', description: 'The customer’s primary domain; unique.' })
  @IsString()
  @MaxLength(253)
  domain!: string;

  @ApiProperty({ example: 'PL', description: 'ISO 3166-1 alpha-2; fixes the market and currency.' })
  @IsString()
  @Matches(/^[A-Za-z]{2}$/, { message: 'country must be an ISO 3166-1 alpha-2 code' })
  country!: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'The customer’s tenant GUID; a new one when absent.' })
  @IsOptional()
  @IsUUID()
  tenantId?: string;
}

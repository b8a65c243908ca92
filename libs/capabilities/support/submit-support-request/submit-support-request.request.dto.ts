import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBase64,
  IsDefined,
  IsObject,
  IsOptional,
  IsString,
  MaxLength,
  ValidateNested,
} from 'class-validator';

export class MoneyDto {
  @ApiProperty({ example: '1234.50' })
  @IsString()
  @MaxLength(32)
  amount!: string;

  @ApiProperty({ example: 'PLN' })
  @IsString()
  @MaxLength(3)
  currencyCode!: string;
}

export class SupportDescriptionDto {
  @ApiProperty({ description: 'Customer tenant GUID or domain' })
  @IsString()
  @MaxLength(253)
  customerTenantIdOrDomain!: string;

  @ApiProperty()
  @IsString()
  @MaxLength(100)
  orderIdOrSubscriptionId!: string;

  @ApiProperty()
  @IsString()
  @MaxLength(4000)
  refundReason!: string;

  @ApiProperty({ type: MoneyDto })
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => MoneyDto)
  amountRequested!: MoneyDto;
}

export class SupportContactDto {
  @ApiProperty()
  @IsString()
  @MaxLength(200)
  name!: string;

  @ApiProperty()
  @IsString()
  @MaxLength(254)
  email!: string;

  @ApiProperty()
  @IsString()
  @MaxLength(30)
  phone!: string;
}

export class SupportAttachmentDto {
  @ApiProperty()
  @IsString()
  @MaxLength(255)
  fileName!: string;

  @ApiProperty({ example: 'application/pdf' })
  @IsString()
  @MaxLength(100)
  contentType!: string;

  @ApiProperty({ description: 'Base64 content (the request body limit applies)' })
  @IsString()
  @IsBase64()
  contentBase64!: string;
}

export class SubmitSupportRequestDto {
  @ApiProperty({ example: 'CSP Purchase/Refund on behalf of customers' })
  @IsString()
  @MaxLength(100)
  problemType!: string;

  @ApiProperty({ enum: ['minimal', 'moderate', 'important', 'critical'] })
  @IsString()
  @MaxLength(20)
  impact!: string;

  @ApiProperty()
  @IsString()
  @MaxLength(200)
  title!: string;

  @ApiProperty({ type: SupportDescriptionDto })
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => SupportDescriptionDto)
  description!: SupportDescriptionDto;

  @ApiProperty({ type: SupportContactDto })
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => SupportContactDto)
  contact!: SupportContactDto;

  @ApiPropertyOptional({ type: [SupportAttachmentDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(5)
  @ValidateNested({ each: true })
  @Type(() => SupportAttachmentDto)
  attachments?: SupportAttachmentDto[];
}

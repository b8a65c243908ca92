import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { IsOptional, IsString, Length } from 'class-validator';

export class RevealKeyRequestDto {
  @ApiProperty({ example: '2022', description: 'One of the software’s versions (downgrade rights: n-1, n-2)' })
  @IsString()
  @Length(1, 32)
  version!: string;

  @ApiPropertyOptional({ enum: ['MAK'], description: 'CSP keys are MAK; "KMS" is refused with an explanation.' })
  @IsOptional()
  @IsString()
  @Length(1, 16)
  keyType?: string;
}

@ApiSchema({ name: 'ProductKey' })
export class ProductKeyResponseDto {
  @ApiProperty({ description: 'The MAK (never logged, never in events)', example: 'XXXXX-XXXXX-XXXXX-XXXXX-XXXXX' })
  productKey!: string;
  @ApiProperty({ enum: ['MAK'] })
  keyType!: 'MAK';
  @ApiProperty({ example: '2022' })
  version!: string;
}

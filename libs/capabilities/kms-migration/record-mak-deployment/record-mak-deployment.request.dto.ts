import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString } from 'class-validator';
import { MAK_DEPLOYMENT_METHODS, MakDeploymentMethod } from '@csp/domain';

// Types only: the method's values and the date rules are the domain's, named together in one 400.

export class RecordMakDeploymentRequestDto {
  @ApiProperty({
    enum: MAK_DEPLOYMENT_METHODS,
    description: '"manual": by hand; "script": with slmgr.vbs (/ipk <MAK>, then /ato)',
  })
  @IsString()
  method!: MakDeploymentMethod;

  @ApiPropertyOptional({
    example: '2024-07-01T10:00:00Z',
    description:
      'When the MAK was deployed (ISO 8601; default now); not in the future, not before the last KMS activation',
  })
  @IsOptional()
  @IsString()
  deployedAt?: string;
}

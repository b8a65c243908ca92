import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';

export class IssueDownloadLinkRequestDto {
  @ApiProperty({ example: '2022' })
  @IsString()
  @Length(1, 32)
  version!: string;

  @ApiProperty({ example: 'en-US' })
  @IsString()
  @Length(2, 16)
  language!: string;

  @ApiProperty({ example: 'x64', enum: ['x64', 'x86', 'arm64'] })
  @IsString()
  @Length(1, 8)
  bitness!: string;
}

@ApiSchema({ name: 'DownloadLink' })
export class DownloadLinkResponseDto {
  @ApiProperty({
    format: 'uri',
    description:
      'Signed link (GET /v1/downloads/{token}); anyone holding it may download until it expires, is used up or revoked.',
  })
  uri!: string;
  @ApiProperty({ format: 'date-time' })
  expiresAt!: string;
  @ApiProperty({ type: 'integer', minimum: 1, example: 50 })
  maxDownloads!: number;
  @ApiProperty({ description: 'The link’s id in the activity log (LinkId)' })
  linkId!: string;
}

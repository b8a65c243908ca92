import { ApiProperty } from '@nestjs/swagger';
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

export class DownloadLinkResponseDto {
  @ApiProperty({ description: 'Signed link; anyone holding it may download until it expires, is used up or revoked.' })
  uri!: string;
  @ApiProperty()
  expiresAt!: string;
  @ApiProperty()
  maxDownloads!: number;
  @ApiProperty()
  linkId!: string;
}

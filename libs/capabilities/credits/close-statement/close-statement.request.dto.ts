import { ApiProperty } from '@nestjs/swagger';
import { IsString } from 'class-validator';

export class CloseStatementRequestDto {
  @ApiProperty({
    example: '2026-11',
    pattern: '^\\d{4}-(0[1-9]|1[0-2])$',
    description: 'The month to close (UTC), ended',
  })
  @IsString()
  period!: string;
}

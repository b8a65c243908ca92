import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsNumber, IsOptional, IsString } from 'class-validator';
import { DEVICE_COUNT_MAX, DEVICE_GROUP_NAME_MAX } from '@csp/domain';

// Types only: the values (length, range, dates, the covering order) are the domain's rules, checked together so
// that one 400 names every bad field.

export class RegisterDeviceGroupRequestDto {
  @ApiProperty({ example: 'Warsaw office PCs', maxLength: DEVICE_GROUP_NAME_MAX, description: 'Unique per customer' })
  @IsString()
  name!: string;

  @ApiProperty({ example: 120, minimum: 1, maximum: DEVICE_COUNT_MAX })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  deviceCount!: number;

  @ApiProperty({
    example: '2024-03-01T08:00:00Z',
    description: 'The group’s last KMS activation: an ISO 8601 instant, or a date (00:00 UTC); not in the future',
  })
  @IsString()
  lastKmsActivationAt!: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'The CSP order that covers these devices (this customer’s)' })
  @IsOptional()
  @IsString()
  coveringOrderId?: string;
}

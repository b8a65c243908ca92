import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsArray, IsBoolean, IsInt, IsISO8601, IsOptional, IsString, Min } from 'class-validator';
import { WEBHOOK_EVENT_TYPES } from '@csp/domain';

// Types only: the values (URL, https in production, the event-type catalogue) are the domain's rules, checked
// together so that one 400 names every bad field.

export class RegisterWebhookEndpointRequestDto {
  @ApiProperty({ example: 'https://finance.example.com/hooks/csp', maxLength: 2048 })
  @IsString()
  url!: string;

  @ApiProperty({ type: 'array', items: { type: 'string', enum: [...WEBHOOK_EVENT_TYPES] }, example: ['credit.posted'] })
  @IsArray()
  @IsString({ each: true })
  eventTypes!: string[];

  @ApiPropertyOptional({ maxLength: 200, example: 'ERP credit import' })
  @IsOptional()
  @IsString()
  description?: string;
}

export class UpdateWebhookEndpointRequestDto {
  @ApiPropertyOptional({ example: 'https://finance.example.com/hooks/csp-v2', maxLength: 2048 })
  @IsOptional()
  @IsString()
  url?: string;

  @ApiPropertyOptional({ type: 'array', items: { type: 'string', enum: [...WEBHOOK_EVENT_TYPES] } })
  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  eventTypes?: string[];

  @ApiPropertyOptional({ maxLength: 200 })
  @IsOptional()
  @IsString()
  description?: string;

  @ApiPropertyOptional({ description: 'true stops deliveries; false resumes them (and clears a 410 or failures)' })
  @IsOptional()
  @IsBoolean()
  disabled?: boolean;
}

export class ReplayWebhookRequestDto {
  @ApiPropertyOptional({ type: 'integer', minimum: 0, description: 'Resend every delivery of events at or after it' })
  @IsOptional()
  @IsInt()
  @Min(0)
  fromPosition?: number;

  @ApiPropertyOptional({ format: 'date-time', description: 'Resend every delivery of events recorded at or after it' })
  @IsOptional()
  @IsISO8601({ strict: true })
  since?: string;
}

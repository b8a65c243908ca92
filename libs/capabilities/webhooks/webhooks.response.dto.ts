import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { WEBHOOK_EVENT_TYPES } from '@csp/domain';
import { CollectionDto } from '@csp/platform';

// OpenAPI descriptions of the webhook resources (documentation only).

const EVENT_TYPES = { type: 'array' as const, items: { type: 'string' as const, enum: [...WEBHOOK_EVENT_TYPES] } };

@ApiSchema({ name: 'WebhookEndpoint', description: 'Where finance events go. Its secret is never listed.' })
export class WebhookEndpointDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;
  @ApiProperty({ example: 'https://finance.example.com/hooks/csp' })
  url!: string;
  @ApiProperty(EVENT_TYPES)
  eventTypes!: string[];
  @ApiProperty({ type: 'string', nullable: true })
  description!: string | null;
  @ApiProperty()
  disabled!: boolean;
  @ApiProperty({
    type: 'string',
    nullable: true,
    enum: ['requested', 'gone', 'failing'],
    description: 'requested (PATCH), gone (the receiver answered 410), failing (N failed deliveries in a row)',
  })
  disabledReason!: string | null;
  @ApiProperty({ type: 'integer', minimum: 1, description: 'Bumped by each rotation' })
  secretVersion!: number;
  @ApiProperty({ format: 'date-time' })
  createdAt!: string;
}

@ApiSchema({ name: 'WebhookEndpointWithSecret', description: 'Shown once: keep the secret, it is not shown again.' })
export class WebhookEndpointWithSecretDto extends WebhookEndpointDto {
  @ApiProperty({ pattern: '^whsec_[A-Za-z0-9+/=]+$', description: 'whsec_ + base64 of 32 random bytes' })
  secret!: string;
}

@ApiSchema({ name: 'WebhookSecretRotation' })
export class WebhookSecretRotationDto {
  @ApiProperty({ pattern: '^whsec_[A-Za-z0-9+/=]+$', description: 'The new secret, shown once' })
  secret!: string;
  @ApiProperty({ type: 'integer', minimum: 2 })
  secretVersion!: number;
  @ApiProperty({ format: 'date-time', description: 'Until then both secrets sign (two signatures in the header)' })
  previousSecretExpiresAt!: string;
}

export const WebhookEndpointCollectionDto = CollectionDto(WebhookEndpointDto, 'WebhookEndpointCollection');

@ApiSchema({ name: 'WebhookPayloadData' })
export class WebhookPayloadDataDto {
  @ApiProperty({ format: 'uuid' })
  partnerId!: string;
  @ApiProperty({ format: 'uuid' })
  customerId!: string;
  @ApiProperty({ format: 'uuid' })
  orderId!: string;
  @ApiPropertyOptional({ type: 'integer', minimum: 0 })
  lineItemNumber?: number;
  @ApiPropertyOptional({
    type: 'object',
    properties: { amount: { type: 'string' }, currencyCode: { type: 'string' } },
    required: ['amount', 'currencyCode'],
  })
  credit?: { amount: string; currencyCode: string };
  @ApiPropertyOptional({ example: '2026-12' })
  period?: string;
  @ApiPropertyOptional({ example: '2026-11', description: 'Set when the credit went to a later month' })
  originalPeriod?: string;
  @ApiProperty({ type: 'integer', minimum: 1, description: 'Global event position' })
  position!: number;
}

@ApiSchema({ name: 'WebhookPayload', description: 'The body POSTed (Standard Webhooks thin payload).' })
export class WebhookPayloadDto {
  @ApiProperty({ enum: [...WEBHOOK_EVENT_TYPES] })
  type!: string;
  @ApiProperty({ format: 'date-time' })
  timestamp!: string;
  @ApiProperty({ type: WebhookPayloadDataDto })
  data!: WebhookPayloadDataDto;
}

@ApiSchema({ name: 'WebhookDelivery', description: 'One message to one endpoint; its id is the webhook-id header.' })
export class WebhookDeliveryDto {
  @ApiProperty({ example: 'msg_2f1c0b6e9a4d4f0c8e1b7a6d5c4b3a29' })
  id!: string;
  @ApiProperty({ format: 'uuid' })
  endpointId!: string;
  @ApiProperty({ enum: [...WEBHOOK_EVENT_TYPES] })
  eventType!: string;
  @ApiProperty({ format: 'uuid' })
  eventId!: string;
  @ApiProperty({ type: 'integer', minimum: 1 })
  position!: number;
  @ApiProperty({ enum: ['pending', 'succeeded', 'failed'] })
  status!: string;
  @ApiProperty({ type: 'integer', minimum: 0 })
  attempts!: number;
  @ApiProperty({ type: 'string', format: 'date-time', nullable: true })
  nextAttemptAt!: string | null;
  @ApiProperty({ type: 'integer', nullable: true })
  lastStatusCode!: number | null;
  @ApiProperty({ type: 'string', nullable: true })
  lastError!: string | null;
  @ApiProperty({ format: 'date-time' })
  createdAt!: string;
  @ApiProperty({ type: 'string', format: 'date-time', nullable: true })
  deliveredAt!: string | null;
  @ApiProperty({ type: WebhookPayloadDto })
  payload!: WebhookPayloadDto;
}

export const WebhookDeliveryCollectionDto = CollectionDto(
  WebhookDeliveryDto,
  'WebhookDeliveryCollection',
  'Newest first',
);

@ApiSchema({ name: 'WebhookAttempt' })
export class WebhookAttemptDto {
  @ApiProperty({ type: 'integer', minimum: 1 })
  attempt!: number;
  @ApiProperty({ format: 'date-time' })
  startedAt!: string;
  @ApiProperty({ type: 'integer', minimum: 0 })
  durationMs!: number;
  @ApiProperty({ type: 'integer', nullable: true, description: 'null: no response (timeout, refused)' })
  statusCode!: number | null;
  @ApiProperty({ type: 'string', nullable: true, description: 'The first 1 KB of the response body' })
  responseBody!: string | null;
  @ApiProperty({ type: 'string', nullable: true })
  error!: string | null;
}

export const WebhookAttemptCollectionDto = CollectionDto(WebhookAttemptDto, 'WebhookAttemptCollection', 'Oldest first');

@ApiSchema({ name: 'WebhookResend', description: 'Deliveries queued again (same webhook-id, new attempts).' })
export class WebhookResendDto {
  @ApiProperty({ type: 'integer', minimum: 0 })
  queued!: number;
}

import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { OFFER_KINDS } from '@csp/domain';
import { AUDIT_OPERATION_TYPES } from '@csp/read-models';
import { CollectionDto, MoneyResponseDto, objectTypeAttributes } from '../shared/response.dto';

// OpenAPI descriptions of the activity log, the event history and the credits (documentation only; the read
// models and the event store build the values).

@ApiSchema({ name: 'CustomizedData' })
export class CustomizedDataDto {
  @ApiProperty({ example: 'OrderId' })
  key!: string;
  @ApiProperty({ example: '3f2b8c1e-5d4a-4e7b-9c0d-1a2b3c4d5e6f' })
  value!: string;
}

@ApiSchema({ name: 'AuditRecord', description: 'One entry of the activity log (Partner Center’s audit record).' })
export class AuditRecordDto {
  @ApiProperty()
  id!: string;
  @ApiProperty({ format: 'uuid', description: 'The partner tenant' })
  partnerId!: string;
  @ApiProperty({ format: 'uuid' })
  customerId!: string;
  @ApiProperty({ example: 'Contoso Ltd' })
  customerName!: string;
  @ApiProperty({ example: 'admin@partner.example' })
  userPrincipalName!: string;
  @ApiProperty({ enum: [...AUDIT_OPERATION_TYPES] })
  operationType!: string;
  @ApiProperty({ format: 'date-time' })
  operationDate!: string;
  @ApiProperty({ example: 'succeeded' })
  operationStatus!: string;
  @ApiProperty({ type: [CustomizedDataDto], description: 'What the operation was about (never a product key)' })
  customizedData!: CustomizedDataDto[];
  @ApiProperty({ type: objectTypeAttributes('AuditRecord') })
  attributes!: { objectType: string };
}

export const AuditRecordCollectionDto = CollectionDto(AuditRecordDto, 'AuditRecordCollection', 'Newest first');

@ApiSchema({ name: 'Event', description: 'A recorded event as auditors read it.' })
export class FeedEventDto {
  @ApiProperty({ type: 'integer', minimum: 1, description: 'Global position in the event store' })
  position!: number;
  @ApiProperty({ example: 'order-3f2b8c1e-5d4a-4e7b-9c0d-1a2b3c4d5e6f' })
  streamId!: string;
  @ApiProperty({ type: 'integer', minimum: 0, description: 'Position within the stream, from 0' })
  streamPosition!: number;
  @ApiProperty({ format: 'uuid' })
  eventId!: string;
  @ApiProperty({ example: 'OrderPlaced' })
  type!: string;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'The event’s data (never a product key)' })
  data!: Record<string, unknown>;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'MS-RequestId, MS-CorrelationId, the caller’s tenant and upn',
  })
  metadata!: Record<string, unknown>;
  @ApiProperty({ format: 'date-time' })
  recordedAt!: string;
}

export const EventCollectionDto = CollectionDto(
  FeedEventDto,
  'EventCollection',
  'In global order; `totalCount` is the page’s count',
);

@ApiSchema({ name: 'CreditLine', description: 'The invoice credit of one cancelled line item.' })
export class CreditLineDto {
  @ApiProperty()
  id!: string;
  @ApiProperty({ pattern: '^\\d{4}-\\d{2}$', example: '2024-06' })
  period!: string;
  @ApiProperty({ format: 'uuid' })
  customerId!: string;
  @ApiProperty({ format: 'uuid' })
  orderId!: string;
  @ApiProperty({ type: 'integer', minimum: 0 })
  lineItemNumber!: number;
  @ApiProperty()
  offerId!: string;
  @ApiProperty()
  friendlyName!: string;
  @ApiProperty({ enum: [...OFFER_KINDS] })
  kind!: string;
  @ApiProperty({ enum: ['full', 'prorated'] })
  basis!: string;
  @ApiProperty({ type: MoneyResponseDto })
  credit!: MoneyResponseDto;
  @ApiProperty()
  taxInclusive!: boolean;
  @ApiProperty({ format: 'date-time' })
  cancelledAt!: string;
  @ApiProperty({ enum: ['pending', 'posted'], description: 'pending until the cancellation has propagated' })
  status!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  postedAt!: string | null;
  @ApiProperty({ type: objectTypeAttributes('Credit') })
  attributes!: { objectType: string };
}

@ApiSchema({ name: 'CreditCollection', description: 'A billing period’s credit lines, totals per currency.' })
export class CreditCollectionDto extends CollectionDto(CreditLineDto, 'CreditLinePage') {
  @ApiProperty({ type: [MoneyResponseDto], description: 'Sum of every line of the filter (all pages), per currency' })
  totals!: MoneyResponseDto[];
}

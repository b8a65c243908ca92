import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { CollectionDto } from '@csp/platform';

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

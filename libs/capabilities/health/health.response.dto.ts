import { ApiProperty, ApiPropertyOptions, ApiSchema } from '@nestjs/swagger';

// OpenAPI description of /health/live (documentation only; @nestjs/terminus's @HealthCheck describes /health/ready).

@ApiSchema({ name: 'Liveness' })
export class LivenessDto {
  @ApiProperty({ enum: ['ok'] })
  status!: 'ok';
}

const INDICATORS: ApiPropertyOptions = {
  type: 'object',
  description: 'By dependency (database, eventStore, queue, propagation): up or down, with what it is and why',
  additionalProperties: {
    type: 'object',
    required: ['status'],
    properties: { status: { type: 'string', enum: ['up', 'down'] } },
    additionalProperties: true,
  },
  example: { database: { status: 'up', kind: 'postgresql' } },
};

@ApiSchema({ name: 'Readiness' })
export class ReadinessDto {
  @ApiProperty({ enum: ['ok'] })
  status!: 'ok';
  @ApiProperty(INDICATORS)
  info!: Record<string, unknown>;
  @ApiProperty(INDICATORS)
  error!: Record<string, unknown>;
  @ApiProperty(INDICATORS)
  details!: Record<string, unknown>;
}

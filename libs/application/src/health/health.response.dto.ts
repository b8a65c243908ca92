import { ApiProperty, ApiSchema } from '@nestjs/swagger';

// OpenAPI description of /health/live (documentation only; @nestjs/terminus's @HealthCheck describes /health/ready).

@ApiSchema({ name: 'Liveness' })
export class LivenessDto {
  @ApiProperty({ enum: ['ok'] })
  status!: 'ok';
}

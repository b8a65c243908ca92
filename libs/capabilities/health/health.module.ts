import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { PropagationModule } from '@csp/capabilities/propagation';
import { HealthController } from './health.controller';

/** Liveness and readiness (event store, pool, queues, propagation). */
@Module({ imports: [TerminusModule, PropagationModule], controllers: [HealthController] })
export class HealthModule {}

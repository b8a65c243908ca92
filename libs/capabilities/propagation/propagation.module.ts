import { Module } from '@nestjs/common';
import { MetricsController } from './metrics.controller';
import { PropagationCoreModule } from './propagation-core.module';
import { PropagationHealth } from './propagation.health';
import { QueueDashboard } from './queue-dashboard';

/** Propagation's HTTP side, in every process that serves HTTP: /metrics, /admin/queues, the health entry. */
@Module({
  imports: [PropagationCoreModule],
  controllers: [MetricsController],
  providers: [PropagationHealth, QueueDashboard],
  exports: [PropagationHealth],
})
export class PropagationModule {}

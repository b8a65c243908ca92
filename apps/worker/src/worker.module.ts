import { DynamicModule, Module } from '@nestjs/common';
import { InfrastructureModule, InfrastructureOptions, ProjectionsModule } from '@csp/application';
import { AppConfig, PlatformModule } from '@csp/platform';

/** The background process: projection runners (and, with the propagation issue, BullMQ workers). */
@Module({})
export class WorkerModule {
  static forRoot(config: AppConfig, options: InfrastructureOptions = {}): DynamicModule {
    return {
      module: WorkerModule,
      imports: [PlatformModule.forRoot(config), InfrastructureModule.forRoot(options), ProjectionsModule],
    };
  }
}

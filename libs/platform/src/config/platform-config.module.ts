import { DynamicModule, Global, Module } from '@nestjs/common';
import { AppConfig, getAppConfig, setAppConfig } from './app-config';

/**
 * Provides AppConfig everywhere. `PlatformConfigModule` alone loads it from process.env on first use;
 * `PlatformConfigModule.forRoot(config)` uses a config main.ts already loaded (and validated).
 */
@Global()
@Module({
  providers: [{ provide: AppConfig, useFactory: (): AppConfig => getAppConfig() }],
  exports: [AppConfig],
})
export class PlatformConfigModule {
  static forRoot(config?: AppConfig): DynamicModule {
    if (config) setAppConfig(config);
    return {
      module: PlatformConfigModule,
      global: true,
      providers: [
        config
          ? { provide: AppConfig, useValue: config }
          : { provide: AppConfig, useFactory: (): AppConfig => getAppConfig() },
      ],
      exports: [AppConfig],
    };
  }
}

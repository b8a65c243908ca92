import { DynamicModule, Global, Logger as NestLogger, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import type { Logger } from 'pino';
import { AuthGuard } from './auth/auth.guard';
import { JwtVerifier } from './auth/jwt-verifier';
import { RolesGuard } from './auth/roles.guard';
import { AppConfig } from './config/app-config';
import { PlatformConfigModule } from './config/platform-config.module';
import { RateLimitGuard } from './http/rate-limit.guard';
import { rateLimiterOptionsOf, TenantRateLimiter } from './http/tenant-rate-limiter';
import { createPinoLogger } from './logging/pino-logger';
import { MetricsRegistries } from './metrics/metrics-registries';

export const PINO_LOGGER = Symbol('PINO_LOGGER');

export interface PlatformModuleOptions {
  /** Share the logger createHttpApp uses; default: a new one at config.logLevel. */
  logger?: Logger;
}

/**
 * AppConfig, the JWT verifier and the global guards, in this order: AuthGuard (401), RateLimitGuard
 * (429, keyed by the verified tenant), RolesGuard (403).
 */
@Global()
@Module({})
export class PlatformModule {
  static forRoot(config?: AppConfig, options: PlatformModuleOptions = {}): DynamicModule {
    return {
      module: PlatformModule,
      global: true,
      imports: [PlatformConfigModule.forRoot(config)],
      providers: [
        {
          provide: JwtVerifier,
          inject: [AppConfig],
          useFactory: (c: AppConfig): JwtVerifier =>
            new JwtVerifier({
              secret: c.auth.jwtSecret,
              jwksUrl: c.auth.jwksUrl,
              issuer: c.auth.issuer,
              audience: c.auth.audience,
            }),
        },
        {
          provide: PINO_LOGGER,
          inject: [AppConfig],
          useFactory: (c: AppConfig): Logger => options.logger ?? createPinoLogger({ level: c.logLevel }),
        },
        MetricsRegistries,
        {
          provide: TenantRateLimiter,
          inject: [AppConfig],
          useFactory: async (c: AppConfig): Promise<TenantRateLimiter> => {
            const limiter = new TenantRateLimiter({ ...rateLimiterOptionsOf(c), logger: new NestLogger('RateLimit') });
            await limiter.connect();
            return limiter;
          },
        },
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_GUARD, useClass: RateLimitGuard },
        { provide: APP_GUARD, useClass: RolesGuard },
      ],
      exports: [JwtVerifier, PINO_LOGGER, PlatformConfigModule, MetricsRegistries, TenantRateLimiter],
    };
  }
}

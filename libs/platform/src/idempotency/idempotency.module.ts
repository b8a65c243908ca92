import { DynamicModule, Global, Module, ModuleMetadata } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import type { Pool } from 'pg';
import { IDEMPOTENCY_OPTIONS, IdempotencyInterceptor, IdempotencyInterceptorOptions } from './idempotency.interceptor';
import { IdempotencyStore, IdempotencyStoreOptions } from './idempotency.store';

export interface IdempotencyModuleOptions extends IdempotencyStoreOptions, IdempotencyInterceptorOptions {
  pool: Pool;
  /** Create the table at start-up (default true). */
  migrate?: boolean;
}

export interface IdempotencyModuleAsyncOptions {
  imports?: ModuleMetadata['imports'];
  inject?: unknown[];
  useFactory: (...args: never[]) => IdempotencyModuleOptions | Promise<IdempotencyModuleOptions>;
}

const MODULE_OPTIONS = Symbol('IDEMPOTENCY_MODULE_OPTIONS');

/** Registers the store (migrated at start-up) and the global interceptor behind @Idempotent(). */
@Global()
@Module({})
export class IdempotencyModule {
  static forRoot(options: IdempotencyModuleOptions): DynamicModule {
    return IdempotencyModule.forRootAsync({ useFactory: () => options });
  }

  static forRootAsync(options: IdempotencyModuleAsyncOptions): DynamicModule {
    return {
      module: IdempotencyModule,
      global: true,
      imports: options.imports ?? [],
      providers: [
        { provide: MODULE_OPTIONS, useFactory: options.useFactory, inject: (options.inject ?? []) as never[] },
        {
          provide: IdempotencyStore,
          inject: [MODULE_OPTIONS],
          useFactory: async (o: IdempotencyModuleOptions): Promise<IdempotencyStore> => {
            const store = new IdempotencyStore(o.pool, { table: o.table, staleAfterMs: o.staleAfterMs });
            if (o.migrate !== false) await store.migrate();
            return store;
          },
        },
        {
          provide: IDEMPOTENCY_OPTIONS,
          inject: [MODULE_OPTIONS],
          useFactory: (o: IdempotencyModuleOptions): IdempotencyInterceptorOptions => ({
            waitMs: o.waitMs,
            pollMs: o.pollMs,
          }),
        },
        { provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor },
      ],
      exports: [IdempotencyStore],
    };
  }
}

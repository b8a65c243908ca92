import { Module, OnModuleInit, Optional } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import type { Pool } from 'pg';
import { AppConfig } from '@csp/platform';
import { DATABASE_POOL } from '@csp/event-sourcing';
import { KeyVaultStore } from './custody/key-vault.store';
import { ImportKeysHandler } from './import-keys/import-keys.handler';
import { KeyPoolController } from './key-pool.controller';
import { KeyCustody } from './shared/key-custody';
import { KeyStockService } from './stock/key-stock.service';

/**
 * Issue 15's HTTP side: imports and stock under /v1/keypool. The licensing adapter (reveals, revocations) is
 * chosen with software's ports (createPoolLicensing). Needs EventSourcingModule, PartnersModule (@Permit) and CQRS.
 */
@Module({
  controllers: [KeyPoolController],
  providers: [
    {
      provide: KeyCustody,
      inject: [AppConfig, DATABASE_POOL],
      useFactory: (config: AppConfig, pool: Pool): KeyCustody =>
        new KeyCustody(
          new KeyVaultStore(pool),
          config.keyCustody.keyEncryptionKeys,
          config.keyCustody.defaultLowWatermark,
          pool,
        ),
    },
    ImportKeysHandler,
    KeyStockService,
  ],
})
export class KeyPoolModule implements OnModuleInit {
  constructor(
    private readonly custody: KeyCustody,
    private readonly imports: ImportKeysHandler,
    @Optional() private readonly http?: HttpAdapterHost,
  ) {}

  async onModuleInit(): Promise<void> {
    const fastify = this.http?.httpAdapter?.getInstance() as FastifyInstance | undefined;
    if (fastify && typeof fastify.addContentTypeParser === 'function' && !fastify.hasContentTypeParser('text/csv'))
      fastify.addContentTypeParser('text/csv', { parseAs: 'string' }, (_request, body, done) => done(null, body));
    await this.custody.vault.migrate();
    // An import whose process died after its events: its keys become stock now, not at the next import.
    await this.imports.settleAbandonedImports();
  }
}

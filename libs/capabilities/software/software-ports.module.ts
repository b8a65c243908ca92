import { Global, Module } from '@nestjs/common';
import type { Pool } from 'pg';
import { createPoolLicensing } from '@csp/capabilities/key-pool';
import { CLOCK, type Clock, DATABASE_POOL, StreamCommands } from '@csp/event-sourcing';
import { AppConfig } from '@csp/platform';
import { DerivedMakLicensingAdapter } from './adapters/derived-mak-licensing.adapter';
import { HmacDownloadLinkSigner } from './adapters/hmac-download-link.signer';
import { LocalArtifactStore } from './adapters/local-artifact.store';
import { ARTIFACT_STORE } from './ports/artifact-store.port';
import { DOWNLOAD_LINK_SIGNER } from './ports/download-link-signer.port';
import { LICENSING, ProductKeyRevokedError, type LicensingPort } from './ports/licensing.port';

/**
 * The default adapters of software's ports (licensing, link signing, artifacts), chosen from the configuration.
 * Global: propagation (worker side) revokes keys through the same licensing port.
 */
@Global()
@Module({
  providers: [
    {
      provide: LICENSING,
      inject: [AppConfig, DATABASE_POOL, CLOCK, StreamCommands],
      useFactory: async (
        config: AppConfig,
        pool: Pool,
        clock: Clock,
        commands: StreamCommands,
      ): Promise<LicensingPort> => {
        // LICENSING_ADAPTER=pool (production's default): keys from the partner's key pool (issue 15).
        if (config.keyCustody.adapter === 'pool')
          return createPoolLicensing({
            config,
            pool,
            commands,
            revokedError: (orderId, line) => new ProductKeyRevokedError(orderId, line),
          });
        const adapter = new DerivedMakLicensingAdapter({ secret: config.keyDerivationSecret, pool, clock });
        await adapter.migrate();
        return adapter;
      },
    },
    {
      provide: DOWNLOAD_LINK_SIGNER,
      inject: [AppConfig],
      useFactory: (config: AppConfig): HmacDownloadLinkSigner =>
        new HmacDownloadLinkSigner([{ kid: 'k1', secret: config.linkSigningSecret }]),
    },
    {
      provide: ARTIFACT_STORE,
      inject: [AppConfig],
      useFactory: (config: AppConfig): LocalArtifactStore => new LocalArtifactStore({ rootDir: config.artifactsDir }),
    },
  ],
  exports: [LICENSING, DOWNLOAD_LINK_SIGNER, ARTIFACT_STORE],
})
export class SoftwarePortsModule {}

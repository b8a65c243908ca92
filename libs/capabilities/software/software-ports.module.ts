import { Global, Module } from '@nestjs/common';
import type { Pool } from 'pg';
import { CLOCK, type Clock, DATABASE_POOL } from '@csp/event-sourcing';
import { AppConfig } from '@csp/platform';
import { DerivedMakLicensingAdapter } from './adapters/derived-mak-licensing.adapter';
import { HmacDownloadLinkSigner } from './adapters/hmac-download-link.signer';
import { LocalArtifactStore } from './adapters/local-artifact.store';
import { ARTIFACT_STORE } from './ports/artifact-store.port';
import { DOWNLOAD_LINK_SIGNER } from './ports/download-link-signer.port';
import { LICENSING } from './ports/licensing.port';

/**
 * The default adapters of software's ports (licensing, link signing, artifacts), chosen from the configuration.
 * Global: propagation (worker side) revokes keys through the same licensing port.
 */
@Global()
@Module({
  providers: [
    {
      provide: LICENSING,
      inject: [AppConfig, DATABASE_POOL, CLOCK],
      useFactory: async (config: AppConfig, pool: Pool, clock: Clock): Promise<DerivedMakLicensingAdapter> => {
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

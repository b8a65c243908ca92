import { Logger } from '@nestjs/common';
import { ProblemException } from '@csp/platform';
import { KeyRing } from '../custody/key-envelope';
import { KeyVaultStore } from '../custody/key-vault.store';
import { LowStockMonitor } from '../stock/low-stock.monitor';
import { KeyPoolMetrics } from './key-pool.metrics';

/** What the key-pool use cases share in a process: the vault, the key ring (when configured), metrics. */
export class KeyCustody {
  readonly logger = new Logger('KeyPool');
  readonly metrics = KeyPoolMetrics.shared();
  readonly monitor: LowStockMonitor;
  private readonly keyRing: KeyRing | undefined;

  constructor(
    readonly vault: KeyVaultStore,
    keks: readonly { kid: string; key: Buffer }[],
    readonly defaultLowWatermark: number,
    pool: ConstructorParameters<typeof LowStockMonitor>[0],
  ) {
    this.keyRing = keks.length > 0 ? new KeyRing(keks) : undefined;
    this.monitor = new LowStockMonitor(pool, this.metrics, defaultLowWatermark);
  }

  /** Importing needs a KEK: without KEY_ENCRYPTION_KEYS (derived mode) nothing is stored in clear, ever. */
  ring(): KeyRing {
    if (!this.keyRing)
      throw new ProblemException(
        409,
        'key_custody_not_configured',
        'This deployment holds no key-encryption key (KEY_ENCRYPTION_KEYS): it cannot take custody of product keys.',
      );
    return this.keyRing;
  }
}

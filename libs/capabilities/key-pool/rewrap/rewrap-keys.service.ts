import { KeyDecryptionError, rewrapProductKey, type KeyRing } from '../custody/key-envelope';
import type { KeyVaultStore } from '../custody/key-vault.store';
import { bindingOf } from '../licensing/pool-licensing.adapter';

export interface RewrapReport {
  currentKid: string;
  /** Data keys re-wrapped under the current KEK by this run. */
  rewrapped: number;
  /** Records already under the current KEK (before this run, or by a concurrent one). */
  current: number;
  /** Records under a KEK no longer configured: left untouched, listed by kid (add the KEK back and run again). */
  unknownKek: Record<string, number>;
  /** Records whose data key failed authentication: tampered or moved; untouched, for investigation. */
  failed: string[];
}

/**
 * Re-wraps every record's data key under the current KEK (the first of KEY_ENCRYPTION_KEYS). Resumable and
 * idempotent: it walks the records not yet under the current KEK in id order, and each update applies only if the
 * record is still under the KEK it was read with, so a second run, or two at once, change nothing twice. The keys'
 * ciphertexts are never touched and nothing is decrypted beyond the data keys.
 */
export async function rewrapKeys(
  vault: KeyVaultStore,
  ring: KeyRing,
  onProgress: (done: number, total: number) => void = () => undefined,
  batchSize = 500,
): Promise<RewrapReport> {
  const currentKid = ring.current.kid;
  const total = await vault.countToRewrap(currentKid);
  const report: RewrapReport = { currentKid, rewrapped: 0, current: 0, unknownKek: {}, failed: [] };
  let after: string | null = null;
  let done = 0;
  onProgress(0, total);
  for (;;) {
    const rows = await vault.rowsToRewrap(currentKid, after, batchSize);
    if (rows.length === 0) break;
    for (const row of rows) {
      done++;
      if (!ring.has(row.sealed.kekId)) {
        report.unknownKek[row.sealed.kekId] = (report.unknownKek[row.sealed.kekId] ?? 0) + 1;
        continue;
      }
      try {
        const sealed = rewrapProductKey(ring, bindingOf(row), row.sealed);
        if (await vault.rewrap(row.id, row.sealed.kekId, sealed)) report.rewrapped++;
      } catch (error) {
        if (!(error instanceof KeyDecryptionError)) throw error;
        report.failed.push(row.id);
      }
    }
    after = rows[rows.length - 1]!.id;
    onProgress(done, total);
  }
  report.current = await vault.countUnder(currentKid);
  return report;
}

import { activationsFor, shortFingerprint, type PoolKeyCommand } from '@csp/domain';
import type { StreamCommands } from '@csp/event-sourcing';
import type { Pool } from 'pg';
import { KeyDecryptionError, openProductKey, type KeyBinding, type KeyRing } from '../custody/key-envelope';
import { KeyVaultStore, type VaultRow } from '../custody/key-vault.store';
import { KeyPoolExhaustedError, KeyUnavailableError } from '../shared/key-pool.errors';
import type { KeyPoolMetrics } from '../shared/key-pool.metrics';
import { LowStockMonitor } from '../stock/low-stock.monitor';
import { LicensingRevocations, type RevokedLine } from './licensing-revocations.store';

/** The licensing port's shapes, structurally (the port lives with the software capability). */
export interface PoolIssueRequest {
  orderId: string;
  lineItemNumber: number;
  offerId: string;
  version: string;
  partnerTenantId?: string;
  quantity?: number;
}
export interface PoolIssuedKey {
  productKey: string;
  keyType: 'MAK';
  keyFingerprint: string;
}
export interface PoolLogger {
  log(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface PoolLicensingOptions {
  pool: Pool;
  /** The process's command handling (EventSourcingModule's): custody events go through the registry's deciders. */
  commands: Pick<StreamCommands, 'handle' | 'context'>;
  ring: KeyRing;
  metrics: KeyPoolMetrics;
  logger: PoolLogger;
  defaultLowWatermark: number;
  /** The vendor-side refusal of a revoked line (the software capability's ProductKeyRevokedError). */
  revokedError: (orderId: string, lineItemNumber: number) => Error;
}

/**
 * The production licensing adapter: keys come from the partner's pool. The first reveal of a line + version
 * takes one available key atomically (see KeyVaultStore.claim) and records KeyAssigned before anything is shown;
 * later reveals get the same key. Cancelling burns it (KeyAssignmentRevoked); it never returns to stock.
 */
export class PoolLicensingAdapter {
  /** Issuing takes a key from stock: the caller asks only once its own decision has allowed the reveal. */
  readonly assignsOnIssue = true;
  readonly vault: KeyVaultStore;
  private readonly revocations: LicensingRevocations;
  private readonly monitor: LowStockMonitor;

  constructor(private readonly o: PoolLicensingOptions) {
    this.vault = new KeyVaultStore(o.pool);
    this.revocations = new LicensingRevocations(o.pool);
    this.monitor = new LowStockMonitor(o.pool, o.metrics, o.defaultLowWatermark);
  }

  async migrate(): Promise<void> {
    await this.revocations.migrate();
    await this.vault.migrate();
  }

  async issueProductKey(request: PoolIssueRequest): Promise<PoolIssuedKey> {
    const { orderId, lineItemNumber, offerId, version } = request;
    if (!request.partnerTenantId)
      throw new TypeError('the pool licensing adapter needs the partner tenant of the order');
    if (await this.isRevoked(request)) throw this.o.revokedError(orderId, lineItemNumber);
    const partnerTenantId = request.partnerTenantId.toLowerCase();
    const row = await this.vault.claim({
      partnerTenantId,
      offerId,
      version,
      orderId,
      lineItemNumber,
      activations: activationsFor(request.quantity ?? 1),
    });
    if (!row) {
      this.o.metrics.exhausted.inc({ offer: offerId, version });
      this.o.logger.warn(
        `key pool exhausted: offer ${offerId} version ${version} (order ${orderId} line ${lineItemNumber})`,
      );
      this.monitor.refresh(partnerTenantId, offerId, version);
      throw new KeyPoolExhaustedError(offerId, version);
    }
    if (row.status === 'revoked') throw this.o.revokedError(orderId, lineItemNumber);
    if (!row.assignmentRecorded) {
      // Checked before it is recorded: a record that fails its integrity check is pulled from stock (this reveal
      // fails closed, the next one takes another key), never assigned to the line.
      let productKey: string;
      try {
        productKey = this.open(row);
      } catch (error) {
        await this.vault.quarantine(row.id);
        throw error;
      }
      // The event before the key is ever shown; after a crash here the same line gets this row again.
      await this.append(row, { type: 'AssignKey', data: assignmentOf(row) }, 'request');
      await this.vault.markAssignmentRecorded(row.id);
      this.o.metrics.assigned.inc({ offer: offerId, version });
      this.o.logger.log(
        `key assigned: record ${row.id} (fingerprint ${shortFingerprint(row.fingerprint)}) to order ${orderId} line ${lineItemNumber}`,
      );
      this.monitor.refresh(partnerTenantId, offerId, version);
      return { productKey, keyType: 'MAK', keyFingerprint: row.fingerprint };
    }
    return { productKey: this.open(row), keyType: 'MAK', keyFingerprint: row.fingerprint };
  }

  async revokeKeys({
    orderId,
    lineItemNumbers,
  }: {
    orderId: string;
    lineItemNumbers: readonly number[];
  }): Promise<void> {
    if (lineItemNumbers.length === 0) return;
    const lines = [...new Set(lineItemNumbers)];
    await this.revocations.record(orderId, lines, this.o.commands.context().now);
    // The licensing side acting on its own: its own causation and user, never a request's ids.
    const worker = { causationId: `revocation:${orderId}`, userId: 'key-pool' };
    for (const row of await this.vault.revokeLines(orderId, lines)) {
      if (row.revocationRecorded) continue;
      // A key taken by a reveal that died before its KeyAssigned: record the assignment, then its end.
      if (!row.assignmentRecorded) await this.append(row, { type: 'AssignKey', data: assignmentOf(row) }, worker);
      await this.append(
        row,
        {
          type: 'RevokeKeyAssignment',
          data: { recordId: row.id, orderId, lineItemNumber: row.lineItemNumber! },
        },
        worker,
      );
      await this.vault.markRevocationRecorded(row.id);
      this.o.logger.log(`key revoked: record ${row.id} (fingerprint ${shortFingerprint(row.fingerprint)})`);
    }
  }

  isRevoked(line: RevokedLine): Promise<boolean> {
    return this.revocations.has(line);
  }

  private open(row: VaultRow): string {
    try {
      return openProductKey(this.o.ring, bindingOf(row), row.sealed);
    } catch (error) {
      if (!(error instanceof KeyDecryptionError)) throw error;
      this.o.metrics.decryptFailures.inc({ reason: error.reason });
      this.o.logger.error(`ALERT key custody: ${error.message}; nothing was served`);
      throw new KeyUnavailableError(row.id);
    }
  }

  /**
   * A custody event of a record. `request`: caused by the current HTTP request (its MS-RequestId makes a retry
   * recognisable); otherwise the metadata of the worker acting on its own (revocations).
   */
  private async append(
    row: VaultRow,
    command: PoolKeyCommand,
    source: 'request' | { causationId: string; userId: string },
  ): Promise<void> {
    await this.o.commands.handle('poolKey', row.id, command, source === 'request' ? {} : { metadata: source });
  }
}

export const bindingOf = (row: Pick<VaultRow, 'partnerTenantId' | 'offerId' | 'version' | 'id'>): KeyBinding => ({
  partnerTenantId: row.partnerTenantId,
  offerId: row.offerId,
  version: row.version,
  recordId: row.id,
});

function assignmentOf(row: VaultRow) {
  return {
    recordId: row.id,
    partnerTenantId: row.partnerTenantId,
    offerId: row.offerId,
    version: row.version,
    keyFingerprint: row.fingerprint,
    orderId: row.orderId!,
    lineItemNumber: row.lineItemNumber!,
    activations: row.activations ?? 1,
  };
}

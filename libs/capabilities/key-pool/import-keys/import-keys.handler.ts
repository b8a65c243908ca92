import { randomUUID } from 'node:crypto';
import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import type { Pool } from 'pg';
import { isMak, normalizeMak, planKeyImport, type ImportedCount, type ImportRow } from '@csp/domain';
import { ProblemException } from '@csp/platform';
import { DATABASE_POOL, StreamCommands } from '@csp/event-sourcing';
import { fingerprintOf, sealProductKey } from '../custody/key-envelope';
import type { StagedKey } from '../custody/key-vault.store';
import { KeyCustody } from '../shared/key-custody';
import { ImportKeysCommand } from './import-keys.command';
import { rowsFromCsv, rowsFromJson } from './keys-body';

export interface ImportKeysResult {
  importId: string;
  imported: number;
  byOffer: ImportedCount[];
  position?: number;
}

const lockOf = (importId: string): string => `keypool-import:${importId}`;

/**
 * All or nothing, across the vault rows and the KeysImported events: the rows are staged under the import id
 * (invisible to stock and to claims), the events appended, then the rows become stock. An importer holds a
 * session lock on its import id; a staged import nobody holds is one whose process died, and is settled by the
 * next import: committed if its events exist, discarded if not. So a crash before the events leaves no stock and
 * no event; a crash after them leaves stock that the next import (or a restart) makes available.
 */
@CommandHandler(ImportKeysCommand)
export class ImportKeysHandler implements ICommandHandler<ImportKeysCommand, ImportKeysResult> {
  constructor(
    private readonly custody: KeyCustody,
    @Inject(DATABASE_POOL) private readonly pool: Pool,
    private readonly streams: StreamCommands,
  ) {}

  async execute({ principal, body }: ImportKeysCommand): Promise<ImportKeysResult> {
    const ring = this.custody.ring();
    const tenant = principal.tenantId.toLowerCase();
    const raw = typeof body === 'string' ? rowsFromCsv(body) : rowsFromJson(body);
    const rows: ImportRow[] = raw.map((r) => {
      const key = typeof r.productKey === 'string' ? normalizeMak(r.productKey) : undefined;
      return key !== undefined && isMak(key) ? { ...r, fingerprint: fingerprintOf(key) } : r;
    });
    await this.settleAbandonedImports();
    const fingerprints = rows.flatMap((r) => (r.fingerprint ? [r.fingerprint] : []));
    const existing = await this.custody.vault.existingFingerprints(tenant, fingerprints);
    const plan = planKeyImport(rows, this.streams.context().catalog, existing);

    const importId = randomUUID();
    const staged: StagedKey[] = plan.rows.map((r) => {
      const id = randomUUID();
      const sealed = sealProductKey(
        ring,
        { partnerTenantId: tenant, offerId: r.offerId, version: r.version, recordId: id },
        r.productKey,
      );
      return { id, offerId: r.offerId, version: r.version, fingerprint: r.fingerprint, sealed };
    });
    const client = await this.pool.connect();
    let position: number | undefined;
    try {
      await client.query('SELECT pg_advisory_lock(hashtext($1))', [lockOf(importId)]);
      try {
        await this.custody.vault.stage(client, importId, tenant, staged);
      } catch (error) {
        if ((error as { code?: string }).code === '23505')
          throw new ProblemException(
            409,
            'keys_being_imported',
            'Another import took some of these keys at the same time; send the file again to see which rows are already in the pool.',
          );
        throw error;
      }
      const recorded = await this.streams.handle('keyImport', importId, {
        type: 'RecordKeyImport',
        data: {
          importId,
          partnerTenantId: tenant,
          byOffer: plan.byOffer,
          fingerprints: staged.map((k) => k.fingerprint),
          importedBy: { userId: principal.userId, upn: principal.upn, tenantId: principal.tenantId },
        },
      });
      position = recorded.position;
      await this.custody.vault.commit(importId);
    } finally {
      await client.query('SELECT pg_advisory_unlock(hashtext($1))', [lockOf(importId)]).catch(() => undefined);
      client.release();
    }
    this.custody.metrics.imported.inc(staged.length);
    this.custody.logger.log(
      `keys imported: import ${importId}, ${staged.length} key(s): ${plan.byOffer.map((o) => `${o.offerId} ${o.version} x${o.count}`).join(', ')}`,
    );
    for (const o of plan.byOffer) this.custody.monitor.refresh(tenant, o.offerId, o.version);
    return { importId, imported: staged.length, byOffer: plan.byOffer, position };
  }

  /** Staged imports whose importer is gone (its session lock is free): committed if recorded, else discarded. */
  async settleAbandonedImports(): Promise<void> {
    for (const importId of await this.custody.vault.stagedImports()) {
      const client = await this.pool.connect();
      try {
        const { rows } = await client.query<{ free: boolean }>('SELECT pg_try_advisory_lock(hashtext($1)) AS free', [
          lockOf(importId),
        ]);
        if (!rows[0]?.free) continue;
        try {
          const recorded = (await this.streams.load('keyImport', importId)).version > 0;
          if (recorded) await this.custody.vault.commit(importId);
          else await this.custody.vault.discard(importId);
          this.custody.logger.warn(`abandoned import ${importId} settled: ${recorded ? 'committed' : 'discarded'}`);
        } finally {
          await client.query('SELECT pg_advisory_unlock(hashtext($1))', [lockOf(importId)]);
        }
      } finally {
        client.release();
      }
    }
  }
}

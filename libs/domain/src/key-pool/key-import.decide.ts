/**
 * One import (stream `keypool-import-{importId}`): recorded once, as KeysImported chunks appended together.
 * Deciding it again (a retried request) decides nothing.
 */
import type { Decider } from '../shared/decider';
import type { DomainContext } from '../shared/context';
import { DomainError } from '../shared/domain-error';
import { FINGERPRINTS_PER_EVENT } from './key-import';
import type { ImportedCount, KeyImportEvent, KeysImported } from './key-pool.events';
import { FINGERPRINT_PATTERN } from './mak-format';

export type RecordKeyImport = {
  type: 'RecordKeyImport';
  data: {
    importId: string;
    partnerTenantId: string;
    byOffer: ImportedCount[];
    fingerprints: string[];
    importedBy: { userId: string; upn: string; tenantId: string };
  };
};

export type KeyImportState = { recorded: false } | { recorded: true; count: number; chunks: number; seen: number };

export function decideKeyImport(command: RecordKeyImport, state: KeyImportState, ctx: DomainContext): KeysImported[] {
  if (state.recorded) return [];
  const { importId, partnerTenantId, byOffer, fingerprints, importedBy } = command.data;
  const count = fingerprints.length;
  if (count === 0 || byOffer.reduce((n, o) => n + o.count, 0) !== count)
    throw new DomainError({
      code: 'invalid_import',
      kind: 'validation',
      detail: 'an import counts its keys per offer and version exactly once',
    });
  if (!fingerprints.every((f) => FINGERPRINT_PATTERN.test(f)))
    throw new DomainError({ code: 'invalid_import', kind: 'validation', detail: 'fingerprints are SHA-256 hex' });
  const chunks = Math.ceil(count / FINGERPRINTS_PER_EVENT);
  const at = ctx.now.toISOString();
  return Array.from({ length: chunks }, (_, i) => ({
    type: 'KeysImported' as const,
    data: {
      importId,
      partnerTenantId,
      count,
      byOffer,
      chunk: i + 1,
      chunks,
      fingerprints: fingerprints.slice(i * FINGERPRINTS_PER_EVENT, (i + 1) * FINGERPRINTS_PER_EVENT),
      importedBy,
      at,
    },
  }));
}

export function evolveKeyImport(state: KeyImportState, event: KeyImportEvent): KeyImportState {
  if (event.type !== 'KeysImported') return state;
  const seen = (state.recorded ? state.seen : 0) + 1;
  return { recorded: true, count: event.data.count, chunks: event.data.chunks, seen };
}

export const keyImportDecider: Decider<RecordKeyImport, KeyImportEvent, KeyImportState> = {
  decide: decideKeyImport,
  evolve: evolveKeyImport,
  initialState: () => ({ recorded: false }),
};

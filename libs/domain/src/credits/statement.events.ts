import type { IsoDateTime } from '../shared/types';
import type { StatementLine, StatementTotal } from './statement';

/** A month closed: immutable, every credit it holds, its totals and the SHA-256 of its canonical content. */
export type StatementClosed = {
  type: 'StatementClosed';
  data: {
    partnerTenantId: string;
    period: string;
    lines: StatementLine[];
    totals: StatementTotal[];
    sha256: string;
    closedAt: IsoDateTime;
    closedBy: { userId: string; upn: string };
  };
};

export type StatementEvent = StatementClosed;
export const STATEMENT_EVENT_TYPES: readonly StatementEvent['type'][] = ['StatementClosed'];

export type CloseStatement = {
  type: 'CloseStatement';
  data: {
    partnerTenantId: string;
    period: unknown;
    /** The period's posted credits as the ledger holds them (facts the handler read). */
    lines: StatementLine[];
    /** SHA-256 (hex) of canonicalStatementContent, computed by the caller (no hashing in the domain). */
    sha256: string;
    closedBy: { userId: string; upn: string };
  };
};

export type StatementState = { status: 'open' } | { status: 'closed'; closedAt: string; sha256: string };

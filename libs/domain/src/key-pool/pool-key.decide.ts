/**
 * One pool record's custody (stream `keypool-key-{recordId}`): assigned once to one order line + version, then
 * perhaps revoked with that line. Never back to stock: a MAK once shown is burnt.
 */
import type { Decider } from '../shared/decider';
import { DomainError } from '../shared/domain-error';
import type { DomainContext } from '../shared/context';
import type { KeyAssigned, KeyAssignmentRevoked, PoolKeyEvent } from './key-pool.events';

/** The quantity rule: one MAK per order line and version; it covers the line's quantity in activations. */
export const activationsFor = (quantity: number): number => Math.max(1, Math.trunc(quantity));

export type Assignment = Omit<KeyAssigned['data'], 'at'>;

export type PoolKeyState =
  | { status: 'unassigned' }
  | { status: 'assigned'; assignment: Assignment }
  | { status: 'revoked'; assignment: Assignment };

export type AssignKey = { type: 'AssignKey'; data: Assignment };
export type RevokeKeyAssignment = {
  type: 'RevokeKeyAssignment';
  data: { recordId: string; orderId: string; lineItemNumber: number };
};
export type PoolKeyCommand = AssignKey | RevokeKeyAssignment;

const sameLine = (a: Assignment, b: { orderId: string; lineItemNumber: number }): boolean =>
  a.orderId === b.orderId && a.lineItemNumber === b.lineItemNumber;

export function decidePoolKey(command: PoolKeyCommand, state: PoolKeyState, ctx: DomainContext): PoolKeyEvent[] {
  const at = ctx.now.toISOString();
  if (command.type === 'AssignKey') {
    const wanted = command.data;
    if (!Number.isSafeInteger(wanted.activations) || wanted.activations < 1)
      throw new DomainError({
        code: 'invalid_activations',
        kind: 'validation',
        field: 'activations',
        detail: 'activations must be a positive integer',
      });
    if (state.status === 'unassigned') return [{ type: 'KeyAssigned', data: { ...wanted, at } }];
    // The same line and version again (a retry after a crash): already done.
    if (sameLine(state.assignment, wanted) && state.assignment.version === wanted.version) {
      if (state.status === 'revoked') throw revokedError(state.assignment);
      return [];
    }
    throw new DomainError({
      code: 'key_already_assigned',
      kind: 'conflict',
      detail: `pool record ${wanted.recordId} is assigned to another order line`,
      data: { recordId: wanted.recordId },
    });
  }
  if (state.status === 'unassigned')
    throw new DomainError({
      code: 'key_not_assigned',
      kind: 'conflict',
      detail: `pool record ${command.data.recordId} is not assigned: there is nothing to revoke`,
      data: { recordId: command.data.recordId },
    });
  if (!sameLine(state.assignment, command.data))
    throw new DomainError({
      code: 'key_assigned_elsewhere',
      kind: 'conflict',
      detail: `pool record ${command.data.recordId} belongs to another order line`,
      data: { recordId: command.data.recordId },
    });
  if (state.status === 'revoked') return [];
  const a = state.assignment;
  const revoked: KeyAssignmentRevoked = {
    type: 'KeyAssignmentRevoked',
    data: {
      recordId: a.recordId,
      partnerTenantId: a.partnerTenantId,
      offerId: a.offerId,
      version: a.version,
      keyFingerprint: a.keyFingerprint,
      orderId: a.orderId,
      lineItemNumber: a.lineItemNumber,
      reason: 'order_cancelled',
      at,
    },
  };
  return [revoked];
}

export function evolvePoolKey(state: PoolKeyState, event: PoolKeyEvent): PoolKeyState {
  switch (event.type) {
    case 'KeyAssigned': {
      const { at: _at, ...assignment } = event.data;
      return { status: 'assigned', assignment };
    }
    case 'KeyAssignmentRevoked':
      return state.status === 'unassigned' ? state : { status: 'revoked', assignment: state.assignment };
    default:
      return state;
  }
}

export const poolKeyDecider: Decider<PoolKeyCommand, PoolKeyEvent, PoolKeyState> = {
  decide: decidePoolKey,
  evolve: evolvePoolKey,
  initialState: () => ({ status: 'unassigned' }),
};

function revokedError(a: Assignment): DomainError {
  return new DomainError({
    code: 'revoked',
    kind: 'gone',
    detail: `the product key of order ${a.orderId} line item ${a.lineItemNumber} has been revoked`,
    data: { orderId: a.orderId, lineItemNumber: a.lineItemNumber },
  });
}

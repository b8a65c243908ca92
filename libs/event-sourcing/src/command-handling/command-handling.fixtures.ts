import { type Decider, defaultDomainContext, DomainError } from '@csp/domain';
import type { EventMetadata } from '@csp/event-store';
import { InMemoryEventStore } from '../testing/in-memory-event-store';
import type { CommandHandlingEnv } from './handle-stream-command';

/** A counter: the smallest decider that has state, several events per command, refusals and no-ops. */
export type CounterCommand =
  | { type: 'Add'; data: { n: number; times?: number; policyVersion?: string } }
  | { type: 'Reset'; data: Record<string, never> }
  | { type: 'Nothing'; data: Record<string, never> };
export type CounterEvent =
  | { type: 'Added'; data: { n: number; total: number; policyVersion?: string } }
  | { type: 'WasReset'; data: { from: number } };

export const counterDecider: Decider<CounterCommand, CounterEvent, { total: number }> = {
  initialState: () => ({ total: 0 }),
  evolve: (_s, e) => ({ total: e.type === 'Added' ? e.data.total : 0 }),
  decide: (c, s) => {
    if (c.type === 'Nothing') return [];
    if (c.type === 'Reset') {
      if (s.total === 0) throw new DomainError({ code: 'already_zero', kind: 'conflict', detail: 'already zero' });
      return [{ type: 'WasReset', data: { from: s.total } }];
    }
    const events: CounterEvent[] = [];
    let total = s.total;
    for (let i = 0; i < (c.data.times ?? 1); i++) {
      total += c.data.n;
      events.push({
        type: 'Added',
        data: { n: c.data.n, total, ...(c.data.policyVersion ? { policyVersion: c.data.policyVersion } : {}) },
      });
    }
    return events;
  },
};

export interface Caller {
  requestId?: string;
  userId?: string;
  tenantId?: string;
}

/** A host for the pure command handling: the fake store, a fixed clock, the caller as request metadata. */
export function testEnv(
  caller: Caller = { requestId: 'req-1', userId: 'user-1', tenantId: 'tenant-1' },
  store = new InMemoryEventStore(),
): CommandHandlingEnv & { store: InMemoryEventStore; pauses: number } {
  const env = {
    store,
    pauses: 0,
    context: () => defaultDomainContext(new Date('2026-12-07T12:00:00Z')),
    metadata: (extra: Partial<EventMetadata>): EventMetadata => ({
      ...Object.fromEntries(Object.entries(caller).filter(([, v]) => v !== undefined)),
      ...extra,
    }),
    pause: async () => {
      env.pauses++;
    },
  };
  return env;
}

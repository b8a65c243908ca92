import fc from 'fast-check';
import { deriveEventId, WrongExpectedVersionError } from '@csp/event-store';
import { counterDecider, testEnv } from './command-handling.fixtures';
import { decideOnStream } from './handle-stream-command';

const STREAM = 'counter-1';
const scope = { requestId: 'req-1', userId: 'user-1', tenantId: 'tenant-1', command: 'Add' };

/**
 * What happens just before each of the command's appends: nothing, another command's append (a version
 * conflict), or a copy of this very request (a duplicate delivery) appending the same events first.
 */
type Race = 'none' | 'foreign' | 'same';

describe('decideOnStream under random conflict interleavings (property)', () => {
  it('gives up only after its bounded attempts, appends its events exactly once, under the same derived ids', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom<Race>('none', 'foreign', 'foreign', 'same'), { maxLength: 10 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 0, max: 3 }),
        fc.boolean(),
        async (races, maxAttempts, times, existing, newStream) => {
          const env = testEnv();
          for (let i = 0; i < existing; i++)
            await env.store.appendNow(STREAM, [{ type: 'Added', data: { n: 0, total: 0 } }]);
          const expectNewStream = newStream && existing === 0;
          let attempt = 0;
          env.store.beforeAppend = async (id, events) => {
            const race = races[attempt++] ?? 'none';
            if (race === 'foreign') await env.store.appendNow(id, [{ type: 'Added', data: { n: 0, total: 0 } }]);
            if (race === 'same') await env.store.appendNow(id, events);
          };
          const command = { type: 'Add' as const, data: { n: 1, times } };
          const outcome = await decideOnStream(env, STREAM, counterDecider, command, { maxAttempts, expectNewStream })
            .then((r) => ({ ok: true as const, position: r.position }))
            .catch((error: unknown) => ({ ok: false as const, error }));

          const firstWin = races.findIndex((r) => r !== 'foreign');
          const wins = firstWin < 0 ? races.length : firstWin;
          // The new-stream guess costs one attempt that is not a conflict of its own.
          const bound = expectNewStream ? Math.max(maxAttempts, 2) : maxAttempts;
          const ours = () => env.store.eventsOf(STREAM).filter((e) => e.metadata.requestId === 'req-1');
          const ids = Array.from({ length: times }, (_, i) => deriveEventId(scope, STREAM, i));
          if (wins < bound) {
            expect(outcome.ok).toBe(true);
            expect(env.store.appends).toBe(wins + 1);
          } else {
            expect(outcome.ok).toBe(false);
            expect(!outcome.ok && outcome.error).toBeInstanceOf(WrongExpectedVersionError);
            expect(env.store.appends).toBe(bound);
            expect(ours()).toHaveLength(0);
          }
          if (outcome.ok) expect(ours().map((e) => e.eventId)).toEqual(ids);

          // The caller retries (a lost response, or after the give-up): still exactly once, same ids.
          env.store.beforeAppend = undefined;
          const retry = await decideOnStream(env, STREAM, counterDecider, command, { maxAttempts });
          expect(ours().map((e) => e.eventId)).toEqual(ids);
          if (outcome.ok) expect(retry).toMatchObject({ replayed: true, position: outcome.position });
        },
      ),
      { numRuns: 300 },
    );
  });
});

import { deriveEventId, DuplicateEventIdError, WrongExpectedVersionError } from '@csp/event-store';
import { ProblemException } from '@csp/platform';
import { counterDecider, testEnv } from './command-handling.fixtures';
import { decideOnStream, handleStreamCommand, loadStream } from './handle-stream-command';

const STREAM = 'counter-1';
const add = (n: number, times = 1) => ({ type: 'Add' as const, data: { n, times } });
const scope = { requestId: 'req-1', userId: 'user-1', tenantId: 'tenant-1', command: 'Add' };

describe('decideOnStream', () => {
  it('given a stream, when a command is decided, then its events are appended at the revision it was decided on, with ids of the caller', async () => {
    const env = testEnv();
    await env.store.appendNow(STREAM, [{ type: 'Added', data: { n: 1, total: 1 } }]);
    const result = await decideOnStream(env, STREAM, counterDecider, add(2, 2));
    expect(result.events).toEqual([
      { type: 'Added', data: { n: 2, total: 3 } },
      { type: 'Added', data: { n: 2, total: 5 } },
    ]);
    expect(result).toMatchObject({ state: { total: 5 }, version: 3, position: 3 });
    expect(result.streamEvents.map((e) => e.type)).toEqual(['Added', 'Added', 'Added']);
    const stored = env.store.eventsOf(STREAM).slice(1);
    expect(stored.map((e) => e.eventId)).toEqual([0, 1].map((i) => deriveEventId(scope, STREAM, i)));
    expect(stored[0]!.metadata).toMatchObject({ command: 'Add', requestId: 'req-1', userId: 'user-1' });
  });

  it('given the request was carried out, when it is retried, then it answers with the first result and appends nothing', async () => {
    const env = testEnv();
    const first = await decideOnStream(env, STREAM, counterDecider, add(2));
    const again = await decideOnStream(env, STREAM, counterDecider, add(2));
    expect(again).toMatchObject({ replayed: true, position: first.position, events: first.events, version: 1 });
    expect(env.store.eventsOf(STREAM)).toHaveLength(1);
  });

  it('given another caller used the same request id, then that is their request: ours is carried out with other ids', async () => {
    const store = testEnv().store;
    await decideOnStream(
      testEnv({ requestId: 'req-1', userId: 'other', tenantId: 'tenant-1' }, store),
      STREAM,
      counterDecider,
      add(1),
    );
    const ours = await decideOnStream(testEnv(undefined, store), STREAM, counterDecider, add(1));
    expect(ours.replayed).toBeUndefined();
    expect(new Set(store.eventsOf(STREAM).map((e) => e.eventId)).size).toBe(2);
  });

  it('given the caller used the request id for another command, then 422 request_id_reused and nothing is written', async () => {
    const env = testEnv();
    await decideOnStream(env, STREAM, counterDecider, add(1));
    const error = await decideOnStream(env, STREAM, counterDecider, { type: 'Reset', data: {} }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ProblemException);
    expect(error).toMatchObject({ code: 'request_id_reused', extensions: { firstUse: { command: 'Add' } } });
    expect((error as ProblemException).getStatus()).toBe(422);
    expect(env.store.eventsOf(STREAM)).toHaveLength(1);
  });

  it('given our derived id is stored with other content, then the stream is read once more and the conflict stays a 409', async () => {
    const env = testEnv();
    await env.store.appendNow('elsewhere', [{ id: deriveEventId(scope, STREAM, 0), type: 'Other', data: {} }]);
    await expect(decideOnStream(env, STREAM, counterDecider, add(1))).rejects.toBeInstanceOf(DuplicateEventIdError);
    expect(env.store.appends).toBe(2);
    expect(env.store.eventsOf(STREAM)).toHaveLength(0);
  });

  it('given a refusal, then it is thrown and nothing is appended; given no events decided, then nothing is appended', async () => {
    const env = testEnv();
    await expect(decideOnStream(env, STREAM, counterDecider, { type: 'Reset', data: {} })).rejects.toMatchObject({
      code: 'already_zero',
    });
    const nothing = await decideOnStream(testEnv({}, env.store), STREAM, counterDecider, { type: 'Nothing', data: {} });
    expect(nothing).toEqual({ events: [], state: { total: 0 }, streamEvents: [], version: 0 });
    expect(env.store.appends).toBe(0);
  });

  it('given an event names its policy version, then its metadata carries it too', async () => {
    const env = testEnv();
    await decideOnStream(env, STREAM, counterDecider, { type: 'Add', data: { n: 1, policyVersion: '2026-01' } });
    expect(env.store.eventsOf(STREAM)[0]!.metadata.policyVersion).toBe('2026-01');
  });

  describe('expectNewStream', () => {
    it('then the first attempt decides on the initial state without reading', async () => {
      const env = testEnv();
      await decideOnStream(env, STREAM, counterDecider, add(1), { expectNewStream: true });
      expect(env.store.reads).toBe(0);
    });

    it('given another request made the stream, then the conflict reads it and decides on it', async () => {
      const env = testEnv();
      await env.store.appendNow(STREAM, [{ type: 'Added', data: { n: 5, total: 5 } }]);
      const result = await decideOnStream(env, STREAM, counterDecider, add(1), { expectNewStream: true });
      expect(result).toMatchObject({ state: { total: 6 }, version: 2 });
      expect(env.store.reads).toBe(1);
      expect(env.pauses).toBe(0);
    });

    it('given the stream exists (a retried request), then nothing is appended twice and it answers at the first position', async () => {
      const env = testEnv();
      const first = await decideOnStream(env, STREAM, counterDecider, add(1), { expectNewStream: true });
      const again = await decideOnStream(env, STREAM, counterDecider, add(1), { expectNewStream: true });
      expect(again).toMatchObject({ position: first.position, version: 1 });
      expect(env.store.eventsOf(STREAM)).toHaveLength(1);
      expect(env.pauses).toBe(0);
    });
  });

  describe('loaded', () => {
    it('then the first attempt decides on the stream as the caller read it; a writer in between makes it read afresh', async () => {
      const env = testEnv();
      const loaded = await loadStream(env, 'partner', 'x').then(() => ({
        state: { total: 0 },
        version: 0,
        events: [],
      }));
      await env.store.appendNow(STREAM, [{ type: 'Added', data: { n: 5, total: 5 } }]);
      const reads = env.store.reads;
      const result = await decideOnStream(env, STREAM, counterDecider, add(1), { loaded });
      expect(result.state.total).toBe(6);
      expect(env.store.reads - reads).toBe(1);
      expect(env.pauses).toBe(1);
    });
  });

  describe('commandId', () => {
    it('then ids derive from it, not from the request id: the same command id is a replay, another one a new command', async () => {
      const env = testEnv();
      const first = await decideOnStream(env, STREAM, counterDecider, add(1), { commandId: 'c1' });
      const commandScope = { ...scope, requestId: 'command:c1' };
      expect(env.store.eventsOf(STREAM)[0]!.eventId).toBe(deriveEventId(commandScope, STREAM, 0));
      const again = await decideOnStream(env, STREAM, counterDecider, add(1), { commandId: 'c1' });
      expect(again).toMatchObject({ replayed: true, position: first.position });
      const other = await decideOnStream(env, STREAM, counterDecider, add(1), { commandId: 'c2' });
      expect(other.replayed).toBeUndefined();
      expect(env.store.eventsOf(STREAM)).toHaveLength(2);
    });
  });

  describe('expectedRevision', () => {
    it('given another revision, then 412 with the current ETag and nothing written; given the same, then carried out', async () => {
      const env = testEnv();
      await env.store.appendNow(STREAM, [{ type: 'Added', data: { n: 1, total: 1 } }]);
      const error = await decideOnStream(env, STREAM, counterDecider, add(1), { expectedRevision: 0 }).catch(
        (e: unknown) => e,
      );
      expect(error).toMatchObject({ code: 'precondition_failed', headers: { ETag: '"1"' } });
      expect((error as ProblemException).getStatus()).toBe(412);
      const done = await decideOnStream(env, STREAM, counterDecider, add(1), { expectedRevision: 1 });
      expect(done.version).toBe(2);
      const retried = await decideOnStream(env, STREAM, counterDecider, add(1), { expectedRevision: 1 });
      expect(retried).toMatchObject({ replayed: true, version: 2 });
    });
  });

  describe('decideEveryTime', () => {
    it('then a retried request is decided and appended again, with fresh ids', async () => {
      const env = testEnv();
      await decideOnStream(env, STREAM, counterDecider, add(1), { decideEveryTime: true });
      const again = await decideOnStream(env, STREAM, counterDecider, add(1), { decideEveryTime: true });
      expect(again.replayed).toBeUndefined();
      const ids = env.store.eventsOf(STREAM).map((e) => e.eventId);
      expect(ids).toHaveLength(2);
      expect(ids).not.toContain(deriveEventId(scope, STREAM, 0));
    });
  });

  describe('beforeAppend', () => {
    it('then it runs after the decision and before the append; its rejection appends nothing', async () => {
      const env = testEnv();
      const calls: string[] = [];
      await expect(
        decideOnStream(env, STREAM, counterDecider, add(1), {
          beforeAppend: () => {
            calls.push('before');
            return Promise.reject(new Error('vendor refused'));
          },
        }),
      ).rejects.toThrow('vendor refused');
      expect(calls).toEqual(['before']);
      expect(env.store.appends).toBe(0);
      await expect(
        decideOnStream(
          testEnv({ requestId: 'r2' }, env.store),
          STREAM,
          counterDecider,
          { type: 'Reset', data: {} },
          {
            beforeAppend: () => {
              calls.push('refused decision');
              return undefined;
            },
          },
        ),
      ).rejects.toMatchObject({ code: 'already_zero' });
      expect(calls).toEqual(['before']);
    });
  });

  describe('maxAttempts', () => {
    it('given a writer wins every race, then the command gives up after maxAttempts appends with the conflict', async () => {
      const env = testEnv();
      env.store.beforeAppend = (id) =>
        env.store.appendNow(id, [{ type: 'Added', data: { n: 0, total: 0 } }]).then(() => undefined);
      await expect(decideOnStream(env, STREAM, counterDecider, add(1), { maxAttempts: 3 })).rejects.toBeInstanceOf(
        WrongExpectedVersionError,
      );
      expect(env.store.appends).toBe(3);
      expect(env.pauses).toBe(2);
    });
  });
});

describe('handleStreamCommand', () => {
  it('given a stream type, then the stream id and decider come from the stream registry', async () => {
    const env = testEnv();
    const tenant = '00000000-0000-0000-0000-0000000000a1';
    const result = await handleStreamCommand(env, 'partner', tenant, {
      type: 'RegisterPartner',
      data: { partnerTenantId: tenant, source: 'configuration', tenantIsCustomer: false },
    });
    expect(result.events.map((e) => e.type)).toEqual(['PartnerRegistered']);
    expect(result.state.status).toBe('registered');
    expect(env.store.eventsOf(`partner-${tenant}`)).toHaveLength(1);
    const loaded = await loadStream(env, 'partner', tenant);
    expect(loaded).toMatchObject({ version: 1, state: { status: 'registered' } });
  });
});

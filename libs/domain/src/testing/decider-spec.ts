/**
 * given(events).when(command).then(events) for Emmett-style deciders, usable with jest (or any
 * runner whose `expect` is global). Pure: no I/O.
 *
 *   const spec = deciderSpec(orderDecider, () => ctx);
 *   spec.given([placed]).when(cancel).then([cancelled]);
 *   spec.given([placed, cancelled]).when(cancel).thenThrows({ code: 'already_cancelled', kind: 'conflict' });
 */
import type { Decider } from '../shared/decider';
import { DomainError } from '../shared/domain-error';

export type ExpectedError = {
  code: string;
  kind?: DomainError['kind'];
  field?: string;
  data?: Record<string, unknown>;
};

export type DeciderSpecWhen<Event, State> = {
  /** The decided events equal `expected` exactly. */
  then: (expected: Event[]) => void;
  /** Runs a custom assertion on the decided events and the state after them. */
  thenMatches: (assert: (events: Event[], stateAfter: State) => void) => void;
  /** Decide throws a DomainError with this code (and kind/field/data when given). */
  thenThrows: (expected: ExpectedError) => void;
  /** Like thenThrows, and returns the error for further assertions. */
  thenError: (expected: ExpectedError) => DomainError;
  /** The raw decided events. */
  events: () => Event[];
};

export type DeciderSpec<Command, Event, State> = {
  given: (events: Event[]) => { when: (command: Command) => DeciderSpecWhen<Event, State>; state: () => State };
};

export const deciderSpec = <Command, Event, State, Context>(
  decider: Decider<Command, Event, State, Context>,
  context: () => Context,
): DeciderSpec<Command, Event, State> => ({
  given: (givenEvents: Event[]) => {
    const state = (): State => givenEvents.reduce(decider.evolve, decider.initialState());
    return {
      state,
      when: (command: Command) => {
        const run = (): Event[] => decider.decide(command, state(), context());
        return {
          events: run,
          then: (expected: Event[]) => {
            expect(run()).toEqual(expected);
          },
          thenMatches: (assert) => {
            const events = run();
            assert(events, events.reduce(decider.evolve, state()));
          },
          thenThrows: (expected: ExpectedError) => {
            thenError(expected);
          },
          thenError: (expected: ExpectedError) => thenError(expected),
        };
        function thenError(expected: ExpectedError): DomainError {
          let caught: unknown;
          try {
            run();
          } catch (e) {
            caught = e;
          }
          if (!(caught instanceof DomainError)) {
            throw new Error(
              `expected DomainError ${expected.code}, got ${caught === undefined ? 'no error' : String(caught)}`,
            );
          }
          expect({
            code: caught.code,
            kind: expected.kind ? caught.kind : undefined,
            field: expected.field ? caught.field : undefined,
          }).toEqual({
            code: expected.code,
            kind: expected.kind,
            field: expected.field,
          });
          if (expected.data) expect(caught.data).toMatchObject(expected.data);
          return caught;
        }
      },
    };
  },
});

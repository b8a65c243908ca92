import type { DomainContext } from './context';

/** An Emmett-style decider: pure decide and evolve over a stream's state. */
export type Decider<Command, Event, State, Context = DomainContext> = {
  decide: (command: Command, state: State, context: Context) => Event[];
  evolve: (state: State, event: Event) => State;
  initialState: () => State;
};

/** Folds a stream's events into its state. */
export const foldEvents = <Event, State>(
  evolve: (s: State, e: Event) => State,
  initial: State,
  events: readonly Event[],
): State => events.reduce(evolve, initial);

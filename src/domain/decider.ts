/**
 * An aggregate's behaviour as three pure functions (the decider pattern): no clock, no
 * ids, no randomness inside; everything of that kind arrives in the command.
 */
export interface DomainEvent<Type extends string = string, Data = unknown> {
  type: Type;
  data: Data;
}

export interface Decider<Command, Event extends DomainEvent, State> {
  decide(command: Command, state: State): Event[];
  evolve(state: State, event: Event): State;
  initialState(): State;
}

/** Compile-time exhaustiveness: a `switch` over a union ends here. */
export function assertNever(value: never): never {
  throw new Error(`unhandled case: ${JSON.stringify(value)}`);
}

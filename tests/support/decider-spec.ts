import { expect } from 'vitest';
import type { Decider, DomainEvent } from '../../src/domain/decider.ts';
import type { DomainError } from '../../src/domain/errors.ts';

/**
 * given(past events).when(command).then(expected events) for a decider:
 * the past is folded with evolve, the command decided against the result.
 */
export function deciderSpec<Command, Event extends DomainEvent, State>(decider: Decider<Command, Event, State>) {
  return {
    given(...history: Event[]) {
      const state = history.reduce(decider.evolve, decider.initialState());
      return {
        when(command: Command) {
          const decide = () => decider.decide(command, state);
          return {
            then(...expected: Event[]) {
              expect(decide()).toEqual(expected);
            },
            thenNothing() {
              expect(decide()).toEqual([]);
            },
            thenThrows(errorClass: new (...args: never[]) => DomainError, code: string, matcher?: (error: DomainError) => void) {
              let thrown: unknown;
              try {
                decide();
              } catch (error) {
                thrown = error;
              }
              expect(thrown).toBeInstanceOf(errorClass);
              expect((thrown as DomainError).code).toBe(code);
              matcher?.(thrown as DomainError);
            },
          };
        },
        /** the state the history folds to, for assertions on evolve */
        state: () => state,
      };
    },
  };
}

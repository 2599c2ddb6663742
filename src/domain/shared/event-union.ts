import type { DomainEvent } from '../decider.ts';

/** An event as the log hands it to a reader: its type's name, and data of no known shape yet. */
export interface EventEnvelope {
  readonly type: string;
  readonly data: unknown;
}

/**
 * A module's events as one union, recognised by their type's name alone. Every event in the
 * store was checked when it was decided, so a reader on the hot path (a projection applying
 * millions, a reactor) needs no schema: the name says which data it carries.
 */
export interface EventUnion<E extends DomainEvent> {
  /** the union's type names: what a reader asks the store for */
  readonly types: readonly E['type'][];
  is<T extends EventEnvelope>(event: T): event is T & E;
  /** The event, typed; throws for one of another type (a reader given what it did not ask for). */
  narrow<T extends EventEnvelope>(event: T): T & E;
}

/**
 * The union of E, from each of its type names once: a name missing or not of E does not
 * compile, so the names a reader filters on and the cases it handles cannot drift apart.
 */
export function eventUnion<E extends DomainEvent>(names: { readonly [Type in E['type']]: true }): EventUnion<E> {
  const types = Object.keys(names) as E['type'][];
  const known: ReadonlySet<string> = new Set(types);
  const is = <T extends EventEnvelope>(event: T): event is T & E => known.has(event.type);
  return {
    types,
    is,
    narrow(event) {
      if (!is(event)) throw new TypeError(`event type ${event.type} is none of ${types.join(', ')}`);
      return event;
    },
  };
}

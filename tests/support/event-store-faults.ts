import type { EventStore } from '../../src/ports/event-store.ts';

type Append = EventStore['append'];

/**
 * Puts `intercept` in front of every `append` of the application's event store until the
 * returned function is called. The store may sit behind a wrapper (a Proxy reporting appends),
 * so the store's own method is replaced, and `next` is the store's real append.
 */
export function interceptAppends(store: EventStore, intercept: (next: Append, ...args: Parameters<Append>) => ReturnType<Append>): () => void {
  const real = (Object.getPrototypeOf(store) as { append: Append }).append;
  function patched(this: EventStore, ...args: Parameters<Append>): ReturnType<Append> {
    return intercept((...again) => real.apply(this, again), ...args);
  }
  Object.defineProperty(store, 'append', { value: patched, configurable: true, writable: true });
  return () => {
    delete (store as { append?: unknown }).append;
  };
}

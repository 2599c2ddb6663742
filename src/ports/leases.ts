/**
 * Work that one process at a time may do (a projection's live loop, a reactor's intake, a
 * schedule): the process that holds a work's lease does it, and another takes it over when
 * the holder dies. Correctness never rests on the lease alone (checkpoints are locked per
 * batch, jobs are claimed under tokens, schedule slots are recorded once); the lease keeps
 * the other processes from doing the same work for nothing, or at the same tick.
 */
export interface Leases {
  /** this process as lease holders name it */
  readonly holder: string;
  /**
   * Runs `work` whenever this process holds the lease `name`: as soon as it gets it, and
   * again after it lost it and got it back. `work`'s signal aborts when the lease is lost
   * or released; work that ends by itself gives the lease up, to be taken again.
   */
  hold(name: string, work: (signal: AbortSignal) => Promise<void>): LeaseHandle;
  /** who holds each of the named leases now, across processes (absent: nobody) */
  holders(names: readonly string[]): Promise<LeaseHolder[]>;
  close(): Promise<void>;
}

export interface LeaseHandle {
  /** stops the work, waits for it to end, and gives the lease up */
  release(): Promise<void>;
}

export interface LeaseHolder {
  lease: string;
  holder: string;
}

/**
 * Leases in one process only: every lease is held at once (tests, ops, and a runner nobody
 * gave leases). Never use it for processes sharing a database.
 */
export function soleLeases(holder = 'this process'): Leases {
  const held = new Map<string, { controller: AbortController; running: Promise<void> }>();
  return {
    holder,
    hold(name, work) {
      const controller = new AbortController();
      const running = work(controller.signal).catch(() => undefined);
      const entry = { controller, running };
      held.set(name, entry);
      return {
        async release() {
          controller.abort();
          await running;
          if (held.get(name) === entry) held.delete(name);
        },
      };
    },
    async holders(names) {
      return names.filter((name) => held.has(name)).map((lease) => ({ lease, holder }));
    },
    async close() {
      for (const { controller } of held.values()) controller.abort();
      await Promise.all([...held.values()].map((entry) => entry.running));
      held.clear();
    },
  };
}

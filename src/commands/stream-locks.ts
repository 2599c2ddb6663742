/**
 * Writers of one stream inside one process take turns instead of racing: a conflict
 * between two of them would cost a re-read and a retry each, and under load (20 payments
 * on one invoice, 20 usage batches of one account) it ran out of retries and answered 409.
 * Writers in other processes still meet as conflicts, and are retried.
 *
 * Several keys are taken in sorted order, so two holders of overlapping sets never wait on
 * each other in a circle.
 *
 * A turn is an optimisation, never what makes a write correct (the expected revision is):
 * a waiter waits at most `maxWaitMs` for it and then goes ahead, so one writer stuck in an
 * append that never returns cannot stop every later writer of its stream in this process.
 */
export class StreamLocks {
  private readonly tails = new Map<string, Promise<void>>();

  constructor(private readonly maxWaitMs = 5_000) {}

  /** Waits for every key; the function returned releases them all. */
  async acquire(keys: Iterable<string>): Promise<() => void> {
    const releases: (() => void)[] = [];
    for (const key of [...new Set(keys)].sort()) releases.push(await this.acquireOne(key));
    return () => {
      for (const release of releases) release();
    };
  }

  /** Runs `work` holding the keys. */
  async with<T>(keys: Iterable<string>, work: () => Promise<T>): Promise<T> {
    const release = await this.acquire(keys);
    try {
      return await work();
    } finally {
      release();
    }
  }

  /** keys held or waited for: an idle process holds none */
  get size(): number {
    return this.tails.size;
  }

  private async turnOrTimeout(previous: Promise<void>): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const waited = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, this.maxWaitMs);
      timer.unref();
    });
    try {
      await Promise.race([previous, waited]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async acquireOne(key: string): Promise<() => void> {
    const previous = this.tails.get(key);
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const tail = previous ? previous.then(() => held) : held;
    this.tails.set(key, tail);
    if (previous) await this.turnOrTimeout(previous);
    return () => {
      release();
      if (this.tails.get(key) === tail) this.tails.delete(key);
    };
  }
}

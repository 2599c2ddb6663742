/**
 * Writers of one stream inside one process take turns instead of racing: a conflict
 * between two of them would cost a re-read and a retry each, and under load (20 payments
 * on one invoice, 20 usage batches of one account) it ran out of retries and answered 409.
 * Writers in other processes still meet as conflicts, and are retried.
 *
 * Several keys are taken in sorted order, so two holders of overlapping sets never wait on
 * each other in a circle.
 */
export class StreamLocks {
  private readonly tails = new Map<string, Promise<void>>();

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

  private async acquireOne(key: string): Promise<() => void> {
    const previous = this.tails.get(key);
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const tail = previous ? previous.then(() => held) : held;
    this.tails.set(key, tail);
    if (previous) await previous;
    return () => {
      release();
      if (this.tails.get(key) === tail) this.tails.delete(key);
    };
  }
}

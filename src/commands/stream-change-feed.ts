import type { EventStore, EventTypeFilter } from '../ports/event-store.ts';
import { abortableSleep } from '../projections/abortable-sleep.ts';

/**
 * Which streams changed, for caches of what a stream says that must never answer from before
 * its last change: this process's own appends are reported before they return (`streamChanged`,
 * wired to the store in main.ts), everyone else's arrive through a subscription to the log
 * filtered to the event types the caches hold.
 *
 * A cache answers only while the feed is `live` (caught up with the log); when the subscription
 * fails every listener is told to forget everything (`null`), and the caches read the streams
 * again until it has caught up. A read that raced with a change is not kept: a cache notes
 * `generation` before reading and keeps the result only if it has not moved.
 */
export interface StreamChangeFeed {
  readonly live: boolean;
  /** moves on every change reported */
  readonly generation: number;
  /** Reports an append to a stream (this process's own, before its answer is sent). */
  streamChanged(streamName: string): void;
  /** `null`: forget everything (the feed stopped following the log) */
  onChange(listener: (streamName: string | null) => void): void;
  /** Follows the log until the signal aborts. */
  follow(signal: AbortSignal): Promise<void>;
}

const RETRY_MS = 1_000;

export function createStreamChangeFeed(eventStore: EventStore, filter: EventTypeFilter): StreamChangeFeed {
  const listeners: ((streamName: string | null) => void)[] = [];
  let generation = 0;
  let live = false;
  const changed = (streamName: string | null) => {
    generation++;
    for (const listener of listeners) listener(streamName);
  };
  return {
    get live() {
      return live;
    },
    get generation() {
      return generation;
    },
    streamChanged: changed,
    onChange(listener) {
      listeners.push(listener);
    },
    async follow(signal) {
      while (!signal.aborted) {
        try {
          const subscription = eventStore.subscribeToAll({ fromPosition: null, filter, signal, maxBatch: 500 });
          // A log without any of these events has nothing to catch up on.
          if ((await eventStore.countAfter(null, filter, 1n)) === 0n) live = true;
          for await (const batch of subscription) {
            for (const event of batch) changed(event.streamName);
            // live once nothing of ours is left to read; checked per batch until then
            if (!live && (await eventStore.countAfter(batch[batch.length - 1]!.position, filter, 1n)) === 0n) live = true;
          }
        } catch {
          // the caches stop answering (below) until a new subscription has caught up
        } finally {
          live = false;
          changed(null);
        }
        await abortableSleep(RETRY_MS, signal);
      }
    },
  };
}

import { LRUCache } from 'lru-cache';
import pMap from 'p-map';
import type { CounterRead } from '../../domain/usage/usage-events.ts';
import {
  emptyCounterLedger,
  emptyLedger,
  evolveCounterLedger,
  foldIntoLedger,
  readRanges,
  type CounterLedger,
  type SampleLedger,
} from '../../domain/usage/usage-ledger.ts';
import type { EventStore, RecordedEvent } from '../../ports/event-store.ts';

/** Events per read when a stream is loaded or caught up: a long stream never sits in memory whole. */
const PAGE = 10_000;

export interface LedgerCacheOptions {
  /** sample keys held across all ledgers (about 20 bytes each); the least recently used streams go first */
  maxKeys: number;
  /** parallel reads */
  concurrency: number;
}

/**
 * The ledgers of hot streams, usage and counter streams apart. A stream is read whole once,
 * when it is first needed; after that only what other processes appended since the revision
 * the ledger knows (`catchUp`), and the few events a re-sent key must be compared with
 * (`readBack`). So a stream's length does not slow the batches written to it.
 */
export function createLedgerCache(eventStore: EventStore, options: LedgerCacheOptions) {
  const cache = <L extends SampleLedger>() =>
    new LRUCache<string, L>({ maxSize: options.maxKeys, sizeCalculation: (ledger) => ledger.keys.size + 1 });
  const usageLedgers = cache<SampleLedger>();
  const counterLedgers = cache<CounterLedger>();

  async function* pages(stream: string, fromRevision: bigint): AsyncGenerator<RecordedEvent[]> {
    for (let from = fromRevision; ; ) {
      const page = await eventStore.readStream(stream, { fromRevision: from, maxCount: PAGE });
      if (page.length > 0) yield page;
      if (page.length < PAGE) return;
      from = page[page.length - 1]!.streamRevision + 1n;
    }
  }

  const foldCounter = (ledger: CounterLedger, events: readonly RecordedEvent[]) => {
    for (const event of events) evolveCounterLedger(ledger, event.data as CounterRead['data'], event.streamRevision);
  };

  /** streams an append may have changed without the ledger knowing (it failed with its outcome unknown) */
  const stale = new Set<string>();

  async function load<L extends SampleLedger>(ledgers: LRUCache<string, L>, stream: string, empty: () => L, fold: (ledger: L, events: readonly RecordedEvent[]) => void): Promise<L> {
    const cached = ledgers.get(stream);
    if (cached && stale.delete(stream)) for await (const page of pages(stream, cached.revision === null ? 0n : cached.revision + 1n)) fold(cached, page);
    if (cached) return cached;
    stale.delete(stream);
    const ledger = empty();
    for await (const page of pages(stream, 0n)) fold(ledger, page);
    // Another batch of this process may have loaded it meanwhile: keep one copy.
    const again = ledgers.get(stream);
    if (again) return again;
    ledgers.set(stream, ledger);
    return ledger;
  }

  const isCounter = (stream: string) => stream.startsWith('counter-');

  return {
    usage: (stream: string) => load(usageLedgers, stream, emptyLedger, foldIntoLedger),
    /** The usage ledger when it is held and current, without a turn of the event loop; else undefined (use `usage`). */
    hotUsage: (stream: string): SampleLedger | undefined => (stale.has(stream) ? undefined : usageLedgers.get(stream)),
    counter: (stream: string) => load(counterLedgers, stream, emptyCounterLedger, foldCounter),

    /** A ledger grew in place: count its new keys against the budget. */
    grown(stream: string, ledger: SampleLedger): void {
      if (isCounter(stream)) counterLedgers.set(stream, ledger as CounterLedger);
      else usageLedgers.set(stream, ledger);
    },

    /** Folds into `ledger` what was appended after its revision; returns those events. */
    async catchUp(stream: string, ledger: SampleLedger): Promise<RecordedEvent[]> {
      const tail: RecordedEvent[] = [];
      for await (const page of pages(stream, ledger.revision === null ? 0n : ledger.revision + 1n)) {
        if (isCounter(stream)) foldCounter(ledger as CounterLedger, page);
        else foldIntoLedger(ledger, page);
        tail.push(...page);
      }
      this.grown(stream, ledger);
      return tail;
    },

    /**
     * The events at these revisions (and, `withPrevious`, the one before each: a counter
     * reading's window needs it), read in runs.
     */
    async readBack(stream: string, revisions: readonly number[], withPrevious: boolean): Promise<RecordedEvent[]> {
      const ranges = readRanges(withPrevious ? revisions.flatMap((r) => (r > 0 ? [r - 1, r] : [r])) : revisions);
      const runs = await pMap(ranges, (range) => eventStore.readStream(stream, { fromRevision: BigInt(range.from), maxCount: range.count }), { concurrency: options.concurrency });
      return runs.flat();
    },

    /** The next use of the stream reads what was appended after the ledger's revision first. */
    markStale(stream: string): void {
      stale.add(stream);
    },

    forget(stream: string): void {
      usageLedgers.delete(stream);
      counterLedgers.delete(stream);
    },

    /** streams whose ledgers are held */
    get size(): number {
      return usageLedgers.size + counterLedgers.size;
    },
  };
}

export type LedgerCache = ReturnType<typeof createLedgerCache>;

import { ConflictError, type FieldIssue } from '../errors.ts';
import { counterWindow, type CounterReading, type CounterWindow } from '../rating/counters.ts';
import { parseInstant } from '../rating/instant.ts';
import type { CounterRead } from './usage-events.ts';

/**
 * What ingestion needs to know about one stream to decide a batch without re-reading it:
 * the sample keys it holds, each with its content digest, and its revision (the expected
 * revision of the next append). Pure; the ingestion service keeps one per hot stream.
 *
 * A key seen before with the same digest is a duplicate (accepted, records nothing); with
 * another digest it is a conflict. The same holds between two items of one batch.
 */
export interface SampleLedger {
  /** revision of the stream's last event; null while the stream does not exist */
  revision: bigint | null;
  /** sampleKey → contentDigest */
  digests: Map<string, string>;
}

export interface LedgerCandidate {
  /** the item's index in the batch */
  index: number;
  sampleKey: string;
  contentDigest: string;
}

export interface SampleConflict {
  index: number;
  sampleKey: string;
  /** the batch index holding the other content, when the clash is inside the batch */
  clashesWith?: number;
}

export interface LedgerDecision<C extends LedgerCandidate> {
  /** new samples, in batch order: to be recorded */
  accept: C[];
  /** seen before (in the stream or earlier in the batch) with the same content */
  duplicates: C[];
  conflicts: SampleConflict[];
}

export const emptyLedger = (): SampleLedger => ({ revision: null, digests: new Map() });

/** Folds a stream's recorded events (anything with `data.sampleKey` and `data.contentDigest`). */
export function ledgerFromEvents(events: readonly { data: unknown; streamRevision: bigint }[]): SampleLedger {
  const ledger = emptyLedger();
  for (const event of events) {
    const { sampleKey, contentDigest } = event.data as { sampleKey: string; contentDigest: string };
    ledger.digests.set(sampleKey, contentDigest);
    ledger.revision = event.streamRevision;
  }
  return ledger;
}

export function decideSamples<C extends LedgerCandidate>(ledger: SampleLedger, candidates: readonly C[]): LedgerDecision<C> {
  const decision: LedgerDecision<C> = { accept: [], duplicates: [], conflicts: [] };
  const inBatch = new Map<string, C>();
  for (const candidate of candidates) {
    const recorded = ledger.digests.get(candidate.sampleKey);
    const earlier = inBatch.get(candidate.sampleKey);
    if (recorded !== undefined) {
      if (recorded === candidate.contentDigest) decision.duplicates.push(candidate);
      else decision.conflicts.push({ index: candidate.index, sampleKey: candidate.sampleKey });
    } else if (earlier) {
      if (earlier.contentDigest === candidate.contentDigest) decision.duplicates.push(candidate);
      else decision.conflicts.push({ index: candidate.index, sampleKey: candidate.sampleKey, clashesWith: earlier.index });
    } else {
      inBatch.set(candidate.sampleKey, candidate);
      decision.accept.push(candidate);
    }
  }
  return decision;
}

/**
 * The ledger after an append of `accepted` that left the stream at `nextRevision`.
 * Updates in place: the ledger belongs to its cache, and copying a stream's keys on every
 * append would make ingestion quadratic in the stream's length.
 */
export function recordInLedger(ledger: SampleLedger, accepted: readonly LedgerCandidate[], nextRevision: bigint): void {
  for (const candidate of accepted) ledger.digests.set(candidate.sampleKey, candidate.contentDigest);
  ledger.revision = nextRevision;
}

/** A re-sent sample key with other content, or two items of one batch sharing a key: 409. */
export class SampleConflictError extends ConflictError {
  constructor(
    readonly conflicts: readonly SampleConflict[],
    reason = 'was recorded before with other content',
  ) {
    super(
      'sample_conflict',
      `sample keys re-sent with other content; the batch was refused: ${conflicts
        .map((c) =>
          c.clashesWith === undefined
            ? `samples[${c.index}] (sampleKey ${JSON.stringify(c.sampleKey)}) ${reason}`
            : `samples[${c.index}] (sampleKey ${JSON.stringify(c.sampleKey)}) has other content than samples[${c.clashesWith}]`,
        )
        .join('; ')}`,
    );
  }
}

// ---- counter readings ------------------------------------------------------------------------

/**
 * One `counter-<source>:<bucketId>` stream: the keys of its readings (with the window each
 * one closed, so that a re-sent reading can still re-derive its traffic if that was lost)
 * and the last reading, the baseline of the next window.
 */
export interface CounterLedger extends SampleLedger {
  /** sampleKey → the window that reading closed (null for a baseline) */
  windows: Map<string, CounterWindow | null>;
  last: CounterReading | null;
}

export const emptyCounterLedger = (): CounterLedger => ({ revision: null, digests: new Map(), windows: new Map(), last: null });

/** Applies one recorded reading, in place (see recordInLedger). */
export function evolveCounterLedger(ledger: CounterLedger, data: CounterRead['data'], revision: bigint): void {
  const reading = readingOf(data);
  ledger.windows.set(data.sampleKey, counterWindow(ledger.last, reading));
  ledger.digests.set(data.sampleKey, data.contentDigest);
  ledger.last = reading;
  ledger.revision = revision;
}

export function counterLedgerFromEvents(events: readonly { data: unknown; streamRevision: bigint }[]): CounterLedger {
  const ledger = emptyCounterLedger();
  for (const event of events) evolveCounterLedger(ledger, event.data as CounterRead['data'], event.streamRevision);
  return ledger;
}

const readingOf = (r: CounterReading): CounterReading => ({
  at: r.at,
  sentBytes: r.sentBytes,
  receivedBytes: r.receivedBytes,
  requestsA: r.requestsA,
  requestsB: r.requestsB,
});

export interface CounterCandidate extends LedgerCandidate {
  reading: CounterReading;
}

export interface CounterDecision<C extends CounterCandidate> {
  /** new readings in time order (the order to record them in), each with the window it closes (null: the first reading, a baseline) */
  accept: { candidate: C; window: CounterWindow | null }[];
  /** readings recorded before (or twice in the batch), with the window they closed */
  duplicates: { candidate: C; window: CounterWindow | null }[];
  conflicts: SampleConflict[];
  /** new readings not later than the last one of their source and bucket: refused */
  issues: FieldIssue[];
}

/**
 * Decides a batch's readings of one source and bucket. New readings are taken in time
 * order, each one the end of one window and the start of the next, so usage is never
 * negative (a restart counts the new reading itself) and never counted twice. A new
 * reading at or before the last one is refused: its usage is already inside a recorded
 * window. `path(index)` names the item in issues.
 */
export function decideCounterReadings<C extends CounterCandidate>(ledger: CounterLedger, candidates: readonly C[], path: (index: number) => string): CounterDecision<C> {
  const byKey = decideSamples(ledger, candidates);
  const decision: CounterDecision<C> = { accept: [], duplicates: [], conflicts: byKey.conflicts, issues: [] };
  const batchWindows = new Map<string, CounterWindow | null>();
  let last = ledger.last;
  const ordered = [...byKey.accept].sort((a, b) => parseInstant(a.reading.at)! - parseInstant(b.reading.at)! || a.index - b.index);
  for (const candidate of ordered) {
    if (last && parseInstant(candidate.reading.at)! <= parseInstant(last.at)!) {
      decision.issues.push({
        path: `${path(candidate.index)}.at`,
        message: `must be later than the last reading of this source and bucket (${last.at})`,
      });
      continue;
    }
    const window = counterWindow(last, candidate.reading);
    decision.accept.push({ candidate, window });
    batchWindows.set(candidate.sampleKey, window);
    last = candidate.reading;
  }
  for (const candidate of byKey.duplicates) {
    const window = ledger.windows.has(candidate.sampleKey) ? ledger.windows.get(candidate.sampleKey)! : batchWindows.get(candidate.sampleKey);
    // A duplicate of a batch item refused above has nothing to re-derive.
    if (window !== undefined) decision.duplicates.push({ candidate, window });
  }
  return decision;
}

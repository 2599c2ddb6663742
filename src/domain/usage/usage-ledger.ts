import { ConflictError, type FieldIssue } from '../errors.ts';
import { counterWindow, type CounterReading, type CounterWindow } from '../rating/counters.ts';
import { parseInstant } from '../rating/instant.ts';
import type { CounterRead } from './usage-events.ts';
import { SampleKeyIndex, sampleKeyHash } from './sample-key-index.ts';

/**
 * What ingestion needs to know about one stream to decide a batch without re-reading it:
 * where each sample key was recorded (an index of key hashes, see sample-key-index.ts) and
 * the stream's revision (the expected revision of the next append). Pure; the ingestion
 * service keeps one per hot stream and updates it in place.
 *
 * A key seen before with the same content digest is a duplicate (accepted, records
 * nothing); with another digest it is a conflict. The same holds between two items of one
 * batch. The digests are not kept: the keys the index may hold are read back from the store
 * first (`revisionsToVerify`), and the decision is taken on what was read.
 */
export interface SampleLedger {
  /** revision of the stream's last event; null while the stream does not exist */
  revision: bigint | null;
  keys: SampleKeyIndex;
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

/** A recorded event as far as a ledger is concerned. */
export interface LedgerEvent {
  data: unknown;
  streamRevision: bigint;
}

/** sampleKey → contentDigest of the keys a stream was found to hold, read back from it. */
export type RecordedDigests = ReadonlyMap<string, string>;

export const emptyLedger = (): SampleLedger => ({ revision: null, keys: new SampleKeyIndex() });

/** Folds a stream's recorded events (anything with `data.sampleKey`). */
export function ledgerFromEvents(events: readonly LedgerEvent[]): SampleLedger {
  const ledger = emptyLedger();
  foldIntoLedger(ledger, events);
  return ledger;
}

/** Applies events recorded after the ledger's revision, in place (a catch-up after another writer). */
export function foldIntoLedger(ledger: SampleLedger, events: readonly LedgerEvent[]): void {
  for (const event of events) {
    const { sampleKey } = event.data as { sampleKey?: unknown };
    // A correction (`SamplesWithdrawn`) records no key of its own: it only moves the revision.
    if (typeof sampleKey === 'string') ledger.keys.add(sampleKeyHash(sampleKey), Number(event.streamRevision));
    ledger.revision = event.streamRevision;
  }
}

/** The revisions at which the stream may hold one of these keys, ascending: read them back before deciding. */
export function revisionsToVerify(ledger: SampleLedger, keys: readonly string[]): number[] {
  const revisions = new Set<number>();
  for (const key of keys) for (const revision of ledger.keys.revisionsOf(sampleKeyHash(key))) revisions.add(revision);
  return [...revisions].sort((a, b) => a - b);
}

/**
 * Revisions grouped into ranges to read, one read per range: neighbours closer than
 * `maxGap` share a range (a re-sent batch is usually one run of revisions).
 */
export function readRanges(revisions: readonly number[], maxGap = 64): { from: number; count: number }[] {
  const ranges: { from: number; count: number }[] = [];
  for (const revision of revisions) {
    const last = ranges[ranges.length - 1];
    if (last && revision - (last.from + last.count - 1) <= maxGap) last.count = revision - last.from + 1;
    else ranges.push({ from: revision, count: 1 });
  }
  return ranges;
}

/** The digests of the wanted keys among events read back from a stream. */
export function recordedDigests(events: readonly LedgerEvent[], keys: ReadonlySet<string>): Map<string, string> {
  const found = new Map<string, string>();
  for (const event of events) {
    const { sampleKey, contentDigest } = event.data as { sampleKey: string; contentDigest: string };
    if (keys.has(sampleKey)) found.set(sampleKey, contentDigest);
  }
  return found;
}

/** `recorded` must hold every candidate key the stream holds (see revisionsToVerify). */
export function decideSamples<C extends LedgerCandidate>(recorded: RecordedDigests, candidates: readonly C[]): LedgerDecision<C> {
  const decision: LedgerDecision<C> = { accept: [], duplicates: [], conflicts: [] };
  const inBatch = new Map<string, C>();
  for (const candidate of candidates) {
    const digest = recorded.get(candidate.sampleKey);
    const earlier = inBatch.get(candidate.sampleKey);
    if (digest !== undefined) {
      if (digest === candidate.contentDigest) decision.duplicates.push(candidate);
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
 * The ledger after an append of `accepted`, in this order, that left the stream at
 * `nextRevision`. Updates in place: the ledger belongs to its cache, and copying a stream's
 * keys on every append would make ingestion quadratic in the stream's length.
 */
export function recordInLedger(ledger: SampleLedger, accepted: readonly LedgerCandidate[], nextRevision: bigint): void {
  const first = Number(nextRevision) - accepted.length + 1;
  accepted.forEach((candidate, i) => ledger.keys.add(sampleKeyHash(candidate.sampleKey), first + i));
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
 * One `counter-<source>:<bucketId>` stream: where its readings' keys were recorded, and the
 * last reading, the baseline of the next window, with the window it closed (what the next
 * reading re-derives where a store cannot append a reading and its traffic at once).
 */
export interface CounterLedger extends SampleLedger {
  last: CounterReading | null;
  lastRecorded: { sampleKey: string; contentDigest: string; window: CounterWindow | null } | null;
}

export const emptyCounterLedger = (): CounterLedger => ({ revision: null, keys: new SampleKeyIndex(), last: null, lastRecorded: null });

/** Applies one recorded reading, in place (see recordInLedger). */
export function evolveCounterLedger(ledger: CounterLedger, data: CounterRead['data'], revision: bigint): void {
  const reading = readingOf(data);
  ledger.keys.add(sampleKeyHash(data.sampleKey), Number(revision));
  ledger.lastRecorded = { sampleKey: data.sampleKey, contentDigest: data.contentDigest, window: counterWindow(ledger.last, reading) };
  ledger.last = reading;
  ledger.revision = revision;
}

export function counterLedgerFromEvents(events: readonly LedgerEvent[]): CounterLedger {
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

/** A reading found in its stream: its digest, and the window it closed (null for a baseline). */
export interface RecordedReading {
  contentDigest: string;
  window: CounterWindow | null;
}

/**
 * The wanted keys among readings read back from a counter stream, each with the window it
 * closed. Each wanted reading must come right after the reading before it (unless it is
 * the stream's first): a window needs both.
 */
export function recordedReadings(events: readonly LedgerEvent[], keys: ReadonlySet<string>): Map<string, RecordedReading> {
  const found = new Map<string, RecordedReading>();
  events.forEach((event, i) => {
    const data = event.data as CounterRead['data'];
    if (!keys.has(data.sampleKey)) return;
    const before = events[i - 1];
    if (event.streamRevision > 0n && before?.streamRevision !== event.streamRevision - 1n) throw new RangeError('recordedReadings needs the reading before each wanted one');
    const previous = event.streamRevision > 0n ? (before!.data as CounterRead['data']) : null;
    found.set(data.sampleKey, { contentDigest: data.contentDigest, window: counterWindow(previous && readingOf(previous), readingOf(data)) });
  });
  return found;
}

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
 * window. `recorded` holds every candidate key the stream holds; `path(index)` names the
 * item in issues.
 */
export function decideCounterReadings<C extends CounterCandidate>(
  ledger: CounterLedger,
  recorded: ReadonlyMap<string, RecordedReading>,
  candidates: readonly C[],
  path: (index: number) => string,
): CounterDecision<C> {
  const digests = new Map([...recorded].map(([key, r]) => [key, r.contentDigest]));
  const byKey = decideSamples(digests, candidates);
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
    const window = recorded.has(candidate.sampleKey) ? recorded.get(candidate.sampleKey)!.window : batchWindows.get(candidate.sampleKey);
    // A duplicate of a batch item refused above has nothing to re-derive.
    if (window !== undefined) decision.duplicates.push({ candidate, window });
  }
  return decision;
}

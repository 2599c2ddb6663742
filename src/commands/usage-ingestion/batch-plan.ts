import pMap from 'p-map';
import { ValidationError, type FieldIssue } from '../../domain/errors.ts';
import { periodBounds, periodOfMs, type BillingPeriod } from '../../domain/rating/billing-period.ts';
import type { CounterWindow } from '../../domain/rating/counters.ts';
import { parseInstant } from '../../domain/rating/instant.ts';
import { counterStream, usageStream, type CounterRead, type StorageMeasured, type TrafficMeasured } from '../../domain/usage/usage-events.ts';
import {
  decideCounterReadings,
  decideSamples,
  recordedDigests,
  recordedReadings,
  revisionsToVerify,
  SampleConflictError,
  type CounterCandidate,
  type CounterLedger,
  type LedgerCandidate,
  type SampleConflict,
  type SampleLedger,
} from '../../domain/usage/usage-ledger.ts';
import type { CountersSample, UsageSample } from '../../domain/usage/usage-samples.ts';
import type { EventMetadata, EventToAppend } from '../../ports/event-store.ts';
import type { Target } from './bucket-targets.ts';
import { counterReadingId, usageEventId } from './event-ids.ts';
import type { LedgerCache } from './ledger-cache.ts';

/** One valid sample of the batch, resolved. */
export interface Item {
  index: number;
  sample: UsageSample;
  target: Target;
  contentDigest: string;
  /** the instant that decides the period (`at`, or a window's start), as parsed */
  instantMs: number;
}

type CounterItem = Item & { sample: CountersSample };

export interface UsageCandidate extends LedgerCandidate {
  event: StorageMeasured | TrafficMeasured;
  eventId: string;
  /** traffic derived from a counter reading: the sample counts as accepted by whoever recorded the reading */
  derived: boolean;
}

export interface ReadingCandidate extends CounterCandidate {
  item: CounterItem;
}

/** What one stream gets: its candidates in the order of `events`, under the revision decided on. */
export interface StreamPlan<C extends LedgerCandidate, L extends SampleLedger> {
  stream: string;
  ledger: L;
  expectedRevision: bigint | null;
  candidates: C[];
  events: EventToAppend[];
}

export interface BatchPlan {
  /** readings first: when a store cannot write every stream at once, they decide the windows */
  counters: StreamPlan<ReadingCandidate, CounterLedger>[];
  usage: StreamPlan<UsageCandidate, SampleLedger>[];
}

export interface PlanOptions {
  ledgers: LedgerCache;
  metadata: EventMetadata;
  /** keys whose event id the store holds in another stream than theirs */
  usedElsewhere: ReadonlyMap<string, SampleConflict>;
  /**
   * The store may write a reading without its traffic (appendMany is not atomic): then the
   * traffic of each counter stream's last reading is derived again, and recorded if missing.
   */
  rederiveLastWindow: boolean;
  concurrency: number;
}

const path = (index: number) => `samples[${index}]`;

/**
 * Decides a batch against the ledgers of the streams it touches; writes nothing. Everything
 * that can refuse the batch (a key re-sent with other content, a stale counter reading) is
 * found here, before anything is appended.
 */
export async function planBatch(items: readonly Item[], options: PlanOptions): Promise<BatchPlan> {
  const { ledgers, metadata, concurrency } = options;
  const issues: FieldIssue[] = [];
  const conflicts: SampleConflict[] = [];
  const usageCandidates = new Map<string, UsageCandidate[]>();
  const addUsage = (accountId: string, timeZone: string, candidate: UsageCandidate, startMs: number) => {
    const stream = usageStream(accountId, periods.of(startMs, timeZone));
    let list = usageCandidates.get(stream);
    if (!list) usageCandidates.set(stream, (list = []));
    list.push(candidate);
  };
  const measured = (item: Item, event: StorageMeasured | TrafficMeasured, startMs: number) =>
    addUsage(
      item.target.accountId,
      item.target.timeZone,
      { index: item.index, sampleKey: item.sample.sampleKey, contentDigest: item.contentDigest, event, eventId: usageEventId(item.sample.sampleKey), derived: false },
      startMs,
    );
  const derived = (item: CounterItem, recorded: { sampleKey: string; contentDigest: string }, window: CounterWindow) =>
    addUsage(
      item.target.accountId,
      item.target.timeZone,
      {
        index: item.index,
        sampleKey: recorded.sampleKey,
        contentDigest: recorded.contentDigest,
        event: derivedTraffic(item, recorded, window),
        eventId: usageEventId(recorded.sampleKey),
        derived: true,
      },
      parseInstant(window.windowStart)!,
    );

  const counterGroups = new Map<string, ReadingCandidate[]>();
  for (const item of items) {
    const { sample, target } = item;
    // Each event's data written out field by field: a spread of shared fields followed by
    // more fields built every object property by property, and was most of this loop's time.
    switch (sample.kind) {
      case 'storage':
        measured(
          item,
          {
            type: 'StorageMeasured',
            data: { accountId: target.accountId, bucketId: target.bucketId, sampleKey: sample.sampleKey, contentDigest: item.contentDigest, bytes: sample.bytes, at: sample.at },
          },
          item.instantMs,
        );
        break;
      case 'traffic':
        measured(
          item,
          {
            type: 'TrafficMeasured',
            data: {
              accountId: target.accountId,
              bucketId: target.bucketId,
              sampleKey: sample.sampleKey,
              contentDigest: item.contentDigest,
              windowStart: sample.windowStart,
              windowEnd: sample.windowEnd,
              egressBytes: sample.egressBytes,
              ingressBytes: sample.ingressBytes,
              requestsA: sample.requestsA,
              requestsB: sample.requestsB,
            },
          },
          item.instantMs,
        );
        break;
      case 'counters': {
        const stream = counterStream(sample.source, target.bucketId);
        let list = counterGroups.get(stream);
        if (!list) counterGroups.set(stream, (list = []));
        const { at, sentBytes, receivedBytes, requestsA, requestsB } = sample;
        list.push({ index: item.index, sampleKey: sample.sampleKey, contentDigest: item.contentDigest, reading: { at, sentBytes, receivedBytes, requestsA, requestsB }, item: item as CounterItem });
        break;
      }
      default: {
        const unknown: never = sample;
        throw new Error(`unknown sample kind ${JSON.stringify(unknown)}`);
      }
    }
  }

  const plan: BatchPlan = { counters: [], usage: [] };
  await pMap(
    [...counterGroups],
    async ([stream, candidates]) => {
      const ledger = await ledgers.counter(stream);
      const wanted = revisionsToVerify(ledger, candidates.map((c) => c.sampleKey));
      const recorded = recordedReadings(wanted.length > 0 ? await ledgers.readBack(stream, wanted, true) : [], new Set(candidates.map((c) => c.sampleKey)));
      const decision = decideCounterReadings(ledger, recorded, candidates, path);
      issues.push(...decision.issues);
      conflicts.push(...decision.conflicts);
      for (const { candidate } of decision.accept) {
        const elsewhere = options.usedElsewhere.get(candidate.sampleKey);
        if (elsewhere) conflicts.push({ ...elsewhere, index: candidate.index });
      }
      if (options.rederiveLastWindow && ledger.lastRecorded?.window) derived(candidates[0]!.item, ledger.lastRecorded, ledger.lastRecorded.window);
      // The window a reading closes becomes traffic in the period of its start. A re-sent
      // reading re-derives it too: if an earlier attempt recorded the reading but not its
      // traffic, this records it; otherwise the usage ledger finds a duplicate.
      for (const { candidate, window } of [...decision.accept, ...decision.duplicates]) {
        if (window) derived(candidate.item, candidate, window);
      }
      if (decision.accept.length > 0) {
        const accepted = decision.accept.map((a) => a.candidate);
        plan.counters.push({
          stream,
          ledger,
          expectedRevision: ledger.revision,
          candidates: accepted,
          events: accepted.map((c) => ({ eventId: counterReadingId(c.sampleKey), type: 'CounterRead', data: counterRead(c), metadata })),
        });
      }
    },
    { concurrency },
  );

  const decideUsage = (stream: string, candidates: UsageCandidate[], ledger: SampleLedger, recorded: ReadonlyMap<string, string>) => {
    const decision = decideSamples(recorded, candidates);
    conflicts.push(...decision.conflicts);
    for (const candidate of decision.accept) {
      const elsewhere = options.usedElsewhere.get(candidate.sampleKey);
      if (elsewhere) conflicts.push({ ...elsewhere, index: candidate.index });
    }
    if (decision.accept.length > 0) {
      plan.usage.push({
        stream,
        ledger,
        expectedRevision: ledger.revision,
        candidates: decision.accept,
        events: decision.accept.map((c) => ({ eventId: c.eventId, type: c.event.type, data: c.event.data, metadata })),
      });
    }
  };
  // Most streams of a batch are hot and none of their keys was seen before: decided at once.
  // Only the others wait for a read (a cold ledger, or re-sent keys to compare).
  const toRead: [string, UsageCandidate[]][] = [];
  const noneRecorded: ReadonlyMap<string, string> = new Map();
  for (const [stream, unordered] of usageCandidates) {
    const candidates = unordered.sort((a, b) => a.index - b.index);
    const ledger = ledgers.hotUsage(stream);
    if (ledger && revisionsToVerify(ledger, candidates.map((c) => c.sampleKey)).length === 0) decideUsage(stream, candidates, ledger, noneRecorded);
    else toRead.push([stream, candidates]);
  }
  await pMap(
    toRead,
    async ([stream, candidates]) => {
      const ledger = await ledgers.usage(stream);
      const wanted = revisionsToVerify(ledger, candidates.map((c) => c.sampleKey));
      const recorded = recordedDigests(wanted.length > 0 ? await ledgers.readBack(stream, wanted, false) : [], new Set(candidates.map((c) => c.sampleKey)));
      decideUsage(stream, candidates, ledger, recorded);
    },
    { concurrency },
  );

  if (issues.length > 0) throw new ValidationError(byIndex(issues));
  if (conflicts.length > 0) throw new SampleConflictError(uniqueConflicts(conflicts));
  return plan;
}

/**
 * The period of an instant in a zone, from the bounds of periods already met: working them
 * out takes a dozen Intl calls, and samples fall in a few recent periods. A period's bounds
 * in a zone never change; the last few met per zone are kept.
 */
class PeriodFinder {
  private readonly known = new Map<string, { period: BillingPeriod; startMs: number; endMs: number }[]>();

  of(ms: number, timeZone: string): BillingPeriod {
    let bounds = this.known.get(timeZone);
    if (!bounds) {
      if (this.known.size >= 1000) this.known.clear();
      this.known.set(timeZone, (bounds = []));
    }
    for (const b of bounds) if (b.startMs <= ms && ms < b.endMs) return b.period;
    const period = periodOfMs(ms, timeZone);
    const { startMs, endMs } = periodBounds(period, timeZone);
    bounds.unshift({ period, startMs, endMs });
    if (bounds.length > 24) bounds.pop();
    return period;
  }
}

const periods = new PeriodFinder();

function counterRead(c: ReadingCandidate): CounterRead['data'] {
  const { sample, target } = c.item;
  return {
    accountId: target.accountId,
    bucketId: target.bucketId,
    source: sample.source,
    sampleKey: sample.sampleKey,
    at: sample.at,
    sentBytes: sample.sentBytes,
    receivedBytes: sample.receivedBytes,
    requestsA: sample.requestsA,
    requestsB: sample.requestsB,
    contentDigest: c.contentDigest,
  };
}

/** The traffic of a reading's window, keyed and digested as the reading that closed it. */
function derivedTraffic(item: CounterItem, reading: { sampleKey: string; contentDigest: string }, window: CounterWindow): TrafficMeasured {
  return {
    type: 'TrafficMeasured',
    data: {
      accountId: item.target.accountId,
      bucketId: item.target.bucketId,
      sampleKey: reading.sampleKey,
      windowStart: window.windowStart,
      windowEnd: window.windowEnd,
      egressBytes: window.egressBytes,
      ingressBytes: window.ingressBytes,
      requestsA: window.requestsA,
      requestsB: window.requestsB,
      contentDigest: reading.contentDigest,
      counterSource: item.sample.source,
    },
  };
}

/** Issues in batch order, each item's in the order found. */
export function byIndex(issues: readonly FieldIssue[]): FieldIssue[] {
  const indexOf = (issue: FieldIssue) => Number(/^samples\[(\d+)\]/.exec(issue.path)?.[1] ?? -1);
  return issues
    .map((issue, order) => ({ issue, order }))
    .sort((a, b) => indexOf(a.issue) - indexOf(b.issue) || a.order - b.order)
    .map((x) => x.issue);
}

function uniqueConflicts(conflicts: readonly SampleConflict[]): SampleConflict[] {
  const seen = new Map<number, SampleConflict>();
  for (const c of conflicts) if (!seen.has(c.index)) seen.set(c.index, c);
  return [...seen.values()].sort((a, b) => a.index - b.index);
}

import { createHash } from 'node:crypto';
import { accountDecider } from '../domain/account/account-decider.ts';
import { accountStream } from '../domain/account/account-streams.ts';
import { bucketDecider } from '../domain/bucket/bucket-decider.ts';
import { BUCKET_NAME_CATEGORY, bucketStream } from '../domain/bucket/bucket-streams.ts';
import { ValidationError, type FieldIssue } from '../domain/errors.ts';
import type { NameReservationEvent } from '../domain/name-reservation/name-reservation.ts';
import { periodOf } from '../domain/rating/billing-period.ts';
import type { CounterWindow } from '../domain/rating/counters.ts';
import { parseInstant } from '../domain/rating/instant.ts';
import { counterStream, usageStream, type CounterRead, type StorageMeasured, type TrafficMeasured } from '../domain/usage/usage-events.ts';
import {
  counterLedgerFromEvents,
  decideCounterReadings,
  decideSamples,
  evolveCounterLedger,
  ledgerFromEvents,
  recordInLedger,
  SampleConflictError,
  type CounterCandidate,
  type CounterLedger,
  type LedgerCandidate,
  type SampleConflict,
  type SampleLedger,
} from '../domain/usage/usage-ledger.ts';
import { canonicalSampleContent, parseUsageBatch, sampleInstant, type BucketReference, type CountersSample, type UsageSample } from '../domain/usage/usage-samples.ts';
import { ConcurrencyError, type EventStore, type EventToAppend } from '../ports/event-store.ts';
import { loadAggregate, metadataOf, type CommandContext, type RetryPolicy } from './command-handler.ts';

/**
 * Usage ingestion (`POST /usage`): a batch of up to 1,000 samples, validated as a whole,
 * recorded in `usage-<accountId>:<YYYY-MM>` streams (and counter readings in
 * `counter-<source>:<bucketId>`).
 *
 * Performance (DESIGN, "Performance notes"): a usage stream is not re-read per sample. Each
 * hot stream's ledger (sample keys → digest, revision) stays in memory, in an LRU of
 * `maxHotStreams`; a batch is decided against the ledgers, then appended with one call per
 * stream with the expected revision. Another writer getting there first (ConcurrencyError,
 * or an append whose events were already stored) drops that stream's ledger and the batch
 * is decided again: re-deciding is idempotent, what this request already recorded is then
 * a duplicate of itself.
 *
 * Event ids are UUID v5 of the sample key, so the PostgreSQL store's unique ids are a
 * second guard against recording a sample twice.
 *
 * Atomicity: everything that can refuse the batch (a bad item, an unknown bucket, a key
 * re-sent with other content, a stale counter reading) is found before anything is
 * written. Only a conflicting write by a concurrent request, between that check and the
 * append, can leave a batch partly recorded; what was recorded is correct, and re-sending
 * the batch records the rest or names the conflict.
 */

/** Fixed namespaces of the v5 event ids: one for usage events, one for counter readings. */
export const USAGE_SAMPLE_NAMESPACE = '6f1c8a52-6d0e-4b7a-9c41-5e2d7b9a0c13';
export const COUNTER_READING_NAMESPACE = '8b4e2d71-0a9c-4f35-b6d8-1c7e9f3a5b20';

/** RFC 9562 UUID version 5 (SHA-1 of namespace and name). */
export function uuidV5(name: string, namespace: string): string {
  const ns = Buffer.from(namespace.replace(/-/g, ''), 'hex');
  if (ns.length !== 16) throw new Error(`not a UUID: ${namespace}`);
  const bytes = createHash('sha1').update(ns).update(name, 'utf8').digest().subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** SHA-256 (hex) of the sample's canonical content. */
export function sampleDigest(sample: UsageSample): string {
  return createHash('sha256').update(canonicalSampleContent(sample), 'utf8').digest('hex');
}

export interface IngestResult {
  /** samples this request recorded: a usage event, or (counters) the reading */
  accepted: number;
  /** samples that were already recorded, before or earlier in the batch: nothing changed */
  duplicates: number;
  /** usage events (StorageMeasured, TrafficMeasured) this request recorded */
  recorded: number;
}

export interface UsageIngestionOptions {
  /** streams whose ledgers stay in memory (LRU); default 10,000 */
  maxHotStreams?: number;
  retry?: RetryPolicy;
  /** parallel reads and appends per batch; default 8 */
  concurrency?: number;
  /** how far past the command's instant a sample may be dated; default 5 minutes (USAGE_MAX_CLOCK_SKEW) */
  maxClockSkewMs?: number;
}

export type UsageIngestion = ReturnType<typeof createUsageIngestion>;

interface Target {
  bucketId: string;
  accountId: string;
  timeZone: string;
}

interface Item {
  index: number;
  sample: UsageSample;
  target: Target;
  contentDigest: string;
}

interface UsageCandidate extends LedgerCandidate {
  event: StorageMeasured | TrafficMeasured;
  eventId: string;
  /** traffic derived from a counter reading: the sample counts as accepted by whoever recorded the reading */
  derived: boolean;
}

interface CounterItemCandidate extends CounterCandidate {
  item: Item & { sample: CountersSample };
}

interface PlannedAppend<C extends LedgerCandidate> {
  stream: string;
  expectedRevision: bigint | null;
  candidates: C[];
}

interface Plan {
  counters: (PlannedAppend<CounterItemCandidate> & { ledger: CounterLedger })[];
  usage: (PlannedAppend<UsageCandidate> & { ledger: SampleLedger })[];
}

const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 5, baseDelayMs: 10 };
const path = (index: number) => `samples[${index}]`;

export function createUsageIngestion(eventStore: EventStore, options: UsageIngestionOptions = {}) {
  const maxHotStreams = options.maxHotStreams ?? 10_000;
  const retry = options.retry ?? DEFAULT_RETRY;
  const concurrency = options.concurrency ?? 8;
  const usageLedgers = new Lru<string, SampleLedger>(maxHotStreams);
  const counterLedgers = new Lru<string, CounterLedger>(maxHotStreams);
  // Never change once known: a bucket's account, an account's time zone.
  const bucketAccounts = new Lru<string, string>(100_000);
  const accountZones = new Lru<string, string>(100_000);

  async function usageLedger(stream: string): Promise<SampleLedger> {
    let ledger = usageLedgers.get(stream);
    if (!ledger) usageLedgers.set(stream, (ledger = ledgerFromEvents(await eventStore.readStream(stream))));
    return ledger;
  }

  async function counterLedger(stream: string): Promise<CounterLedger> {
    let ledger = counterLedgers.get(stream);
    if (!ledger) counterLedgers.set(stream, (ledger = counterLedgerFromEvents(await eventStore.readStream(stream))));
    return ledger;
  }

  /**
   * A bucket name names, at a sample's instant, the bucket that held it then (names are
   * freed when a bucket is deleted and may be taken again). An instant outside every
   * holding (clock skew, history loaded later) goes to the bucket holding the name now,
   * or, if it is free, to the last one that held it (late usage of a deleted bucket).
   */
  async function resolveBuckets(references: readonly BucketReference[], issues: FieldIssue[]): Promise<Map<number, Target>> {
    const names = [...new Set(references.map((r) => r.bucket))];
    const holdings = new Map<string, Holding[]>();
    await mapLimit(names, concurrency, async (name) => {
      holdings.set(name, holdingsOf((await eventStore.readStream(`${BUCKET_NAME_CATEGORY}-${name}`)) as unknown as NameReservationEvent[]));
    });
    const bucketOf = new Map<number, string>();
    for (const ref of references) {
      const bucketId = holderAt(holdings.get(ref.bucket)!, ref.instantMs);
      if (bucketId) bucketOf.set(ref.index, bucketId);
    }
    const bucketIds = [...new Set(bucketOf.values())].filter((id) => !bucketAccounts.has(id));
    await mapLimit(bucketIds, concurrency, async (bucketId) => {
      const { state } = await loadAggregate(eventStore, bucketDecider, bucketStream(bucketId));
      if (state.status !== 'none') bucketAccounts.set(bucketId, state.accountId);
    });
    const accountIds = [...new Set([...bucketOf.values()].map((id) => bucketAccounts.get(id)).filter((id) => id !== undefined))].filter((id) => !accountZones.has(id));
    await mapLimit(accountIds, concurrency, async (accountId) => {
      const { state } = await loadAggregate(eventStore, accountDecider, accountStream(accountId));
      if (state.status !== 'none') accountZones.set(accountId, state.timeZone);
    });
    const targets = new Map<number, Target>();
    for (const ref of references) {
      const bucketId = bucketOf.get(ref.index);
      const accountId = bucketId === undefined ? undefined : bucketAccounts.get(bucketId);
      const timeZone = accountId === undefined ? undefined : accountZones.get(accountId);
      if (bucketId === undefined || accountId === undefined || timeZone === undefined) {
        issues.push({ path: `${path(ref.index)}.bucket`, message: 'no such bucket' });
      } else {
        targets.set(ref.index, { bucketId, accountId, timeZone });
      }
    }
    return targets;
  }

  /** Loads the ledgers the batch touches and decides it; writes nothing. */
  async function plan(items: readonly Item[], usedElsewhere: ReadonlyMap<string, SampleConflict>): Promise<Plan> {
    const issues: FieldIssue[] = [];
    const conflicts: SampleConflict[] = [];
    const usageCandidates = new Map<string, UsageCandidate[]>();
    const addUsage = (item: Item, event: StorageMeasured | TrafficMeasured, start: string) => {
      const stream = usageStream(item.target.accountId, periodOf(start, item.target.timeZone));
      let list = usageCandidates.get(stream);
      if (!list) usageCandidates.set(stream, (list = []));
      list.push({
        index: item.index,
        sampleKey: item.sample.sampleKey,
        contentDigest: item.contentDigest,
        event,
        eventId: uuidV5(item.sample.sampleKey, USAGE_SAMPLE_NAMESPACE),
        derived: item.sample.kind === 'counters',
      });
    };

    const counterGroups = new Map<string, CounterItemCandidate[]>();
    for (const item of items) {
      const { sample, target } = item;
      const base = { accountId: target.accountId, bucketId: target.bucketId, sampleKey: sample.sampleKey, contentDigest: item.contentDigest };
      switch (sample.kind) {
        case 'storage':
          addUsage(item, { type: 'StorageMeasured', data: { ...base, bytes: sample.bytes, at: sample.at } }, sample.at);
          break;
        case 'traffic': {
          const { windowStart, windowEnd, egressBytes, ingressBytes, requestsA, requestsB } = sample;
          addUsage(item, { type: 'TrafficMeasured', data: { ...base, windowStart, windowEnd, egressBytes, ingressBytes, requestsA, requestsB } }, windowStart);
          break;
        }
        case 'counters': {
          const stream = counterStream(sample.source, target.bucketId);
          let list = counterGroups.get(stream);
          if (!list) counterGroups.set(stream, (list = []));
          const { at, sentBytes, receivedBytes, requestsA, requestsB } = sample;
          list.push({ index: item.index, sampleKey: sample.sampleKey, contentDigest: item.contentDigest, reading: { at, sentBytes, receivedBytes, requestsA, requestsB }, item: item as CounterItemCandidate['item'] });
          break;
        }
      }
    }

    const result: Plan = { counters: [], usage: [] };
    const counterEntries = [...counterGroups];
    const counterStates = await mapLimit(counterEntries, concurrency, ([stream]) => counterLedger(stream));
    counterEntries.forEach(([stream, candidates], i) => {
      const ledger = counterStates[i]!;
      const decision = decideCounterReadings(ledger, candidates, path);
      issues.push(...decision.issues);
      conflicts.push(...decision.conflicts);
      if (decision.accept.length > 0) result.counters.push({ stream, ledger, expectedRevision: ledger.revision, candidates: decision.accept.map((a) => a.candidate) });
      // The window a reading closes becomes traffic in the period of its start. A re-sent
      // reading re-derives it too: if an earlier attempt recorded the reading but not its
      // traffic, this records it; otherwise the usage ledger finds a duplicate.
      for (const { candidate, window } of [...decision.accept, ...decision.duplicates]) {
        if (window) addUsage(candidate.item, derivedTraffic(candidate.item, window), window.windowStart);
      }
    });

    const usageEntries = [...usageCandidates].map(([stream, list]) => [stream, list.sort((a, b) => a.index - b.index)] as const);
    const usageStates = await mapLimit(usageEntries, concurrency, ([stream]) => usageLedger(stream));
    usageEntries.forEach(([stream, candidates], i) => {
      const ledger = usageStates[i]!;
      const decision = decideSamples(ledger, candidates);
      conflicts.push(...decision.conflicts);
      for (const candidate of decision.accept) {
        const elsewhere = usedElsewhere.get(candidate.sampleKey);
        if (elsewhere) conflicts.push({ ...elsewhere, index: candidate.index });
      }
      if (decision.accept.length > 0) result.usage.push({ stream, ledger, expectedRevision: ledger.revision, candidates: decision.accept });
    });

    if (issues.length > 0) throw new ValidationError(byIndex(issues));
    if (conflicts.length > 0) throw new SampleConflictError(uniqueConflicts(conflicts));
    return result;
  }

  async function ingest(samples: unknown, context: CommandContext): Promise<IngestResult> {
    const batch = parseUsageBatch(samples, { notAfterMs: Date.parse(context.occurredAt) + (options.maxClockSkewMs ?? 300_000) });
    const issues = [...batch.issues];
    const targets = batch.references.length > 0 ? await resolveBuckets(batch.references, issues) : new Map<number, Target>();
    if (issues.length > 0) throw new ValidationError(byIndex(issues));
    const items: Item[] = batch.samples.map((sample, index) => ({ index, sample: sample!, target: targets.get(index)!, contentDigest: sampleDigest(sample!) }));

    // One key, one content, within the batch, whichever streams the items go to.
    const firstByKey = new Map<string, Item>();
    const clashes: SampleConflict[] = [];
    for (const item of items) {
      const first = firstByKey.get(item.sample.sampleKey);
      if (!first) firstByKey.set(item.sample.sampleKey, item);
      else if (first.contentDigest !== item.contentDigest) clashes.push({ index: item.index, sampleKey: item.sample.sampleKey, clashesWith: first.index });
    }
    if (clashes.length > 0) throw new SampleConflictError(clashes);

    const metadata = metadataOf(context);
    const own = new Set<number>();
    // By event id: an event this request wrote is counted once, whichever attempt saw it land.
    const recorded = new Set<string>();
    /** keys whose event id the store already held outside the stream they belong to */
    const usedElsewhere = new Map<string, SampleConflict>();
    const suspects = new Map<string, Set<string>>();

    /**
     * Appends one stream's batch; true when every event was written. When the store held
     * some ids already (a concurrent request wrote them, or a key was used in another
     * stream), reads back what landed, drops the ledger, and returns false: the batch is
     * decided again against the stream as it is.
     */
    async function append<C extends LedgerCandidate>(
      planned: PlannedAppend<C>,
      events: EventToAppend[],
      onWritten: (written: C[], nextRevision: bigint) => void,
      forget: (stream: string) => void,
      usageEvents: boolean,
    ): Promise<boolean> {
      const appended = await eventStore.append(planned.stream, events, { expectedRevision: planned.expectedRevision ?? 'no_stream' });
      if (appended.appended === events.length) {
        onWritten(planned.candidates, appended.nextRevision);
        return true;
      }
      forget(planned.stream);
      const from = planned.expectedRevision === null ? 0n : planned.expectedRevision + 1n;
      const landed = await eventStore.readStream(planned.stream, { fromRevision: from });
      const ids = new Map(landed.map((e) => [e.eventId, e]));
      const mine = planned.candidates.filter((_, i) => ids.get(events[i]!.eventId)?.metadata.causationId === context.causationId);
      for (const candidate of mine) if (!(candidate as Partial<UsageCandidate>).derived) own.add(candidate.index);
      if (usageEvents) for (const candidate of mine) recorded.add(events[planned.candidates.indexOf(candidate)]!.eventId);
      // A key that did not land although its stream had not seen it: the id is another
      // stream's. Seen twice (the second time on a freshly read stream), it is a conflict.
      const previous = suspects.get(planned.stream) ?? new Set<string>();
      const missing = new Set(planned.candidates.filter((_, i) => !ids.has(events[i]!.eventId)).map((c) => c.sampleKey));
      for (const candidate of planned.candidates) {
        if (missing.has(candidate.sampleKey) && previous.has(candidate.sampleKey)) {
          usedElsewhere.set(candidate.sampleKey, { index: candidate.index, sampleKey: candidate.sampleKey });
        }
      }
      suspects.set(planned.stream, missing);
      return false;
    }

    for (let attempt = 1; ; attempt++) {
      try {
        let planned: Plan;
        try {
          planned = await plan(items, usedElsewhere);
        } catch (error) {
          if (error instanceof SampleConflictError && usedElsewhere.size > 0) {
            throw new SampleConflictError(error.conflicts, 'was recorded before with other content (for another bucket, account or period)');
          }
          throw error;
        }
        // Counter readings first: they decide the windows. Their traffic follows; if it is
        // lost on the way, re-sending the readings re-derives it (see plan).
        const countersDone = await mapLimit(planned.counters, concurrency, (p) =>
          append(
            p,
            p.candidates.map((c) => ({ eventId: uuidV5(c.sampleKey, COUNTER_READING_NAMESPACE), type: 'CounterRead', data: counterRead(c), metadata })),
            (written, nextRevision) => {
              let revision = nextRevision - BigInt(written.length);
              for (const c of written) evolveCounterLedger(p.ledger, counterRead(c), ++revision);
              for (const c of written) own.add(c.index);
            },
            (stream) => counterLedgers.delete(stream),
            false,
          ),
        );
        if (countersDone.includes(false)) throw new RetryBatch();
        const usageDone = await mapLimit(planned.usage, concurrency, (p) =>
          append(
            p,
            p.candidates.map((c) => ({ eventId: c.eventId, type: c.event.type, data: c.event.data, metadata })),
            (written, nextRevision) => {
              recordInLedger(p.ledger, written, nextRevision);
              for (const c of written) if (!c.derived) own.add(c.index);
              for (const c of written) recorded.add(c.eventId);
            },
            (stream) => usageLedgers.delete(stream),
            true,
          ),
        );
        if (usageDone.includes(false)) throw new RetryBatch();
        return { accepted: own.size, duplicates: items.length - own.size, recorded: recorded.size };
      } catch (error) {
        if (!(error instanceof ConcurrencyError || error instanceof RetryBatch)) throw error;
        if (error instanceof ConcurrencyError) {
          usageLedgers.delete(error.streamName);
          counterLedgers.delete(error.streamName);
        }
        if (attempt >= retry.maxAttempts) {
          throw error instanceof ConcurrencyError ? error : new ConcurrencyError('usage batch', 'any', undefined);
        }
        await sleep(Math.random() * retry.baseDelayMs * 2 ** attempt);
      }
    }
  }

  return {
    /** Validates and records a batch (`samples` as the client sent them). */
    ingest,
    /** For tests and ops: how many stream ledgers are held in memory. */
    hotStreams: () => usageLedgers.size + counterLedgers.size,
  };
}

class RetryBatch extends Error {}

function counterRead(c: CounterItemCandidate): CounterRead['data'] {
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

function derivedTraffic(item: Item & { sample: CountersSample }, window: CounterWindow): TrafficMeasured {
  return {
    type: 'TrafficMeasured',
    data: {
      accountId: item.target.accountId,
      bucketId: item.target.bucketId,
      sampleKey: item.sample.sampleKey,
      windowStart: window.windowStart,
      windowEnd: window.windowEnd,
      egressBytes: window.egressBytes,
      ingressBytes: window.ingressBytes,
      requestsA: window.requestsA,
      requestsB: window.requestsB,
      contentDigest: item.contentDigest,
      counterSource: item.sample.source,
    },
  };
}

interface Holding {
  bucketId: string;
  fromMs: number;
  /** null while the name is held */
  toMs: number | null;
}

function holdingsOf(events: readonly NameReservationEvent[]): Holding[] {
  const holdings: Holding[] = [];
  for (const event of events) {
    if (event.type === 'NameReserved') holdings.push({ bucketId: event.data.holderId, fromMs: parseInstant(event.data.reservedAt) ?? 0, toMs: null });
    else if (event.type === 'NameReleased') {
      const last = holdings[holdings.length - 1];
      if (last && last.toMs === null) last.toMs = parseInstant(event.data.releasedAt) ?? 0;
    }
  }
  return holdings;
}

function holderAt(holdings: readonly Holding[], ms: number): string | null {
  const during = holdings.find((h) => h.fromMs <= ms && (h.toMs === null || ms < h.toMs));
  if (during) return during.bucketId;
  const last = holdings[holdings.length - 1];
  return last ? last.bucketId : null;
}

function byIndex(issues: readonly FieldIssue[]): FieldIssue[] {
  const indexOf = (issue: FieldIssue) => Number(/^samples\[(\d+)\]/.exec(issue.path)?.[1] ?? -1);
  return issues.map((issue, order) => ({ issue, order })).sort((a, b) => indexOf(a.issue) - indexOf(b.issue) || a.order - b.order).map((x) => x.issue);
}

function uniqueConflicts(conflicts: readonly SampleConflict[]): SampleConflict[] {
  const seen = new Map<number, SampleConflict>();
  for (const c of conflicts) if (!seen.has(c.index)) seen.set(c.index, c);
  return [...seen.values()].sort((a, b) => a.index - b.index);
}

async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  let failure: { error: unknown } | null = null;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      try {
        results[i] = await fn(items[i]!);
      } catch (error) {
        // Let the other workers finish what they started (their outcome updates the
        // ledgers), then report the first failure.
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failure) throw (failure as { error: unknown }).error;
  return results;
}

/** A Map kept in recency order: reading an entry makes it the newest; the oldest go first. */
class Lru<K, V> {
  private readonly map = new Map<K, V>();
  constructor(private readonly capacity: number) {}
  get size() {
    return this.map.size;
  }
  has(key: K) {
    return this.map.has(key);
  }
  get(key: K): V | undefined {
    const value = this.map.get(key);
    if (value !== undefined) {
      this.map.delete(key);
      this.map.set(key, value);
    }
    return value;
  }
  set(key: K, value: V) {
    this.map.delete(key);
    this.map.set(key, value);
    while (this.map.size > this.capacity) this.map.delete(this.map.keys().next().value as K);
  }
  delete(key: K) {
    this.map.delete(key);
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

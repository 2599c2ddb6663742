import { ValidationError } from '../domain/errors.ts';
import { SampleConflictError, type LedgerCandidate } from '../domain/usage/usage-ledger.ts';
import { parseUsageBatch } from '../domain/usage/usage-samples.ts';
import { ConcurrencyError, type EventStore } from '../ports/event-store.ts';
import type { SampleKeyClaims } from '../ports/sample-key-claims.ts';
import { metadataOf, type CommandContext, type RetryPolicy } from './command-handler.ts';
import { StreamLocks } from './stream-locks.ts';
import { appendPlan, planStreams, reconcile, type Tally } from './usage-ingestion/batch-append.ts';
import { byIndex, planBatch, type BatchPlan, type Item } from './usage-ingestion/batch-plan.ts';
import { createBucketTargets, type Target } from './usage-ingestion/bucket-targets.ts';
import { sampleDigest } from './usage-ingestion/event-ids.ts';
import { createLedgerCache } from './usage-ingestion/ledger-cache.ts';

export { COUNTER_READING_NAMESPACE, sampleDigest, USAGE_SAMPLE_NAMESPACE, uuidV5 } from './usage-ingestion/event-ids.ts';

/**
 * Usage ingestion (`POST /usage`): a batch of up to 1,000 samples, validated as a whole,
 * recorded in `usage-<accountId>:<YYYY-MM>` streams (and counter readings in
 * `counter-<source>:<bucketId>`).
 *
 * - bucket-targets.ts: bucket names → bucket, account, time zone
 * - batch-plan.ts: the batch decided against the ledgers of the streams it touches
 * - ledger-cache.ts: those ledgers, kept in memory per hot stream
 * - batch-append.ts: one append for all the streams, and what to do when ids were already stored
 *
 * Batches of one account take turns within the process (a lock per account: everything a
 * batch writes is its accounts'), so they never conflict with each other. Another process
 * writing the same stream makes the append fail with a ConcurrencyError: the ledger reads
 * only what was appended since the revision it knew, and the batch is decided again.
 *
 * Atomicity: everything that can refuse the batch (a bad item, an unknown bucket, a key
 * re-sent with other content, a stale counter reading) is found before anything is written,
 * and the batch is one append, all or nothing where the store can (PostgreSQL). A counter
 * reading and the traffic it derives therefore land together; on a store that cannot write
 * several streams at once, each batch re-derives the traffic of every counter stream's last
 * reading and records it if it was lost. The one refusal found only while appending is a key
 * whose event id the store holds in another stream (same key, other content, another period):
 * the batch's other samples are then recorded, and the key is named in a 409.
 */
export interface IngestResult {
  /** samples this request recorded: a usage event, or (counters) the reading */
  accepted: number;
  /** samples that were already recorded, before or earlier in the batch: nothing changed */
  duplicates: number;
  /** usage events (StorageMeasured, TrafficMeasured) this request recorded */
  recorded: number;
}

export interface UsageIngestionOptions {
  /** sample keys whose stream positions stay in memory (about 20 bytes each, LRU by stream); default 5,000,000 */
  maxHotKeys?: number;
  /** retries against writers in other processes; default 10 attempts */
  retry?: RetryPolicy;
  /** parallel reads per batch; default 8 */
  concurrency?: number;
  /** how far past the command's instant a sample may be dated; default 5 minutes (USAGE_MAX_CLOCK_SKEW) */
  maxClockSkewMs?: number;
  /**
   * Needed where the store's event ids are unique only per stream (EventStoreDB): each key is
   * claimed for its stream before the append, so a key re-sent for another period or bucket is
   * refused as it is by the PostgreSQL store's unique ids.
   */
  sampleKeyClaims?: SampleKeyClaims;
}

export type UsageIngestion = ReturnType<typeof createUsageIngestion>;

const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 10, baseDelayMs: 10 };

export function createUsageIngestion(eventStore: EventStore, options: UsageIngestionOptions = {}) {
  if (!eventStore.eventIdsUniqueAcrossStreams && !options.sampleKeyClaims) {
    throw new Error('this event store keeps event ids unique per stream only: usage ingestion needs sample key claims');
  }
  const retry = options.retry ?? DEFAULT_RETRY;
  const concurrency = options.concurrency ?? 8;
  const ledgers = createLedgerCache(eventStore, { maxKeys: options.maxHotKeys ?? 5_000_000, concurrency });
  const targets = createBucketTargets(eventStore, { concurrency });
  const accountLocks = new StreamLocks();

  async function ingest(samples: unknown, context: CommandContext): Promise<IngestResult> {
    const nowMs = Date.parse(context.occurredAt);
    const batch = parseUsageBatch(samples, { notAfterMs: nowMs + (options.maxClockSkewMs ?? 300_000) });
    const issues = [...batch.issues];
    const resolved = batch.references.length > 0 ? await targets.resolve(batch.references, nowMs, issues) : new Map<number, Target>();
    if (issues.length > 0) throw new ValidationError(byIndex(issues));
    const instants = new Map(batch.references.map((r) => [r.index, r.instantMs]));
    const items: Item[] = batch.samples.map((sample, index) => ({ index, sample: sample!, target: resolved.get(index)!, contentDigest: sampleDigest(sample!), instantMs: instants.get(index)! }));

    // One key, one content, within the batch, whichever streams the items go to.
    const firstByKey = new Map<string, Item>();
    const clashes = [];
    for (const item of items) {
      const first = firstByKey.get(item.sample.sampleKey);
      if (!first) firstByKey.set(item.sample.sampleKey, item);
      else if (first.contentDigest !== item.contentDigest) clashes.push({ index: item.index, sampleKey: item.sample.sampleKey, clashesWith: first.index });
    }
    if (clashes.length > 0) throw new SampleConflictError(clashes);

    const metadata = metadataOf(context);
    const tally: Tally = { own: new Set(), recorded: new Set(), usedElsewhere: new Map() };
    const accounts = new Set(items.map((item) => item.target.accountId));
    for (let attempt = 1; ; attempt++) {
      const release = await accountLocks.acquire(accounts);
      let plan: BatchPlan | null = null;
      try {
        plan = await planBatch(items, { ledgers, metadata, usedElsewhere: tally.usedElsewhere, rederiveLastWindow: !eventStore.atomicAppendMany, concurrency });
        // Keys held for another stream are refused as the store's unique ids refuse them: decided again.
        if (options.sampleKeyClaims && (await claimedElsewhere(options.sampleKeyClaims, plan, tally))) continue;
        if (await appendPlan(eventStore, ledgers, plan, context, tally)) {
          return { accepted: tally.own.size, duplicates: items.length - tally.own.size, recorded: tally.recorded.size };
        }
      } catch (error) {
        if (error instanceof SampleConflictError && tally.usedElsewhere.size > 0) {
          throw new SampleConflictError(error.conflicts, 'was recorded before with other content (for another bucket, account or period)');
        }
        if (plan === null) throw error;
        if (!(error instanceof ConcurrencyError)) {
          // The append's outcome is unknown (a connection lost after the commit?): whoever
          // writes these streams next reads their tails first.
          for (const s of planStreams(plan)) ledgers.markStale(s.stream);
          throw error;
        }
        // The store names the first stream it found moved; others may have moved too (and a
        // store that is not atomic may hold part of this batch): catch every one up.
        await reconcile(ledgers, planStreams(plan), context.causationId, tally);
        if (attempt >= retry.maxAttempts) throw error;
      } finally {
        release();
      }
      if (attempt >= retry.maxAttempts) throw new ConcurrencyError('usage batch', 'any', undefined);
      await sleep(Math.random() * retry.baseDelayMs * 2 ** Math.min(attempt, 6));
    }
  }

  return {
    /** Validates and records a batch (`samples` as the client sent them). */
    ingest,
    /** For tests and ops: how many stream ledgers are held in memory. */
    hotStreams: () => ledgers.size,
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Claims the plan's keys for their streams; true when some were held for another (marked in the tally). */
async function claimedElsewhere(claims: SampleKeyClaims, plan: BatchPlan, tally: Tally): Promise<boolean> {
  const indexOf = new Map<string, number>();
  const wanted = planStreams(plan).flatMap((planned) => {
    const candidates: LedgerCandidate[] = planned.candidates;
    // traffic derived from a counter reading follows the reading, whose key is claimed for the counter's stream
    return candidates
      .filter((candidate) => !('derived' in candidate && candidate.derived === true))
      .map((candidate) => {
        indexOf.set(candidate.sampleKey, candidate.index);
        return { sampleKey: candidate.sampleKey, streamName: planned.stream };
      });
  });
  const elsewhere = await claims.claim(wanted);
  for (const { sampleKey } of elsewhere) tally.usedElsewhere.set(sampleKey, { index: indexOf.get(sampleKey)!, sampleKey });
  return elsewhere.length > 0;
}

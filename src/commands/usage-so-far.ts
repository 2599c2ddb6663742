import { BYTES_PER_GIB, Exact, type ExactDecimal } from '../domain/rating/exact-decimal.ts';
import { formatInstant, type PeriodUsage } from '../domain/rating/index.ts';
import { usageStream, type UsageEvent } from '../domain/usage/usage-events.ts';
import type { EventStore, RecordedEvent } from '../ports/event-store.ts';
import type { UsageRevisionRow, UsageTotalsRow } from '../projections/usage/usage-queries.ts';
import { foldStorage, type StorageFold } from '../projections/usage/usage-totals-projection.ts';
import { periodStorage, type PeriodStorage } from './invoice-inputs.ts';

/** What GET …/usage shows: the period up to `asOf`, and a usage the estimate can be rated from. */
export interface UsageSoFar {
  storageGibMonthsToDate: ExactDecimal;
  egressBytes: bigint;
  ingressBytes: bigint;
  requestsA: bigint;
  requestsB: bigint;
  /**
   * The whole period as one bucket: storage as two samples whose byte-milliseconds are the
   * period's exactly, traffic as one window with its sums. Rated on one plan segment it gives
   * the same lines, quantities and amounts as the period's own samples (a segment's charge
   * depends only on those sums); only the explanations, which the portal does not show, differ.
   */
  estimateUsage: PeriodUsage;
}

interface BucketSoFar {
  fold: StorageFold;
  egress: bigint;
  ingress: bigint;
  requestsA: bigint;
  requestsB: bigint;
  lastWindowMs: number | null;
}

const emptyFold = (): StorageFold => ({ firstMs: null, lastMs: null, lastBytes: null, lastAt: null, byteMillis: 0n, unordered: false });

/** The period's usage as folded so far: per bucket, up to `revision` of its usage stream. */
export interface PeriodFold {
  revision: bigint | null;
  buckets: Map<string, BucketSoFar>;
}

const copyFold = (fold: PeriodFold): PeriodFold => ({ revision: fold.revision, buckets: new Map([...fold.buckets].map(([id, b]) => [id, { ...b, fold: { ...b.fold } }])) });

function foldFromRows(rows: readonly UsageTotalsRow[]): PeriodFold | null {
  const buckets = new Map<string, BucketSoFar>();
  let revision: bigint | null = null;
  for (const row of rows) {
    // (a withdrawal marks its rows unordered; one whose latest sample it took has no latest to fold from)
    if (row.storage_unordered || row.storage_latest_withdrawn_at !== null) return null;
    const lastAt = row.storage_at == null ? null : new Date(row.storage_at).toISOString();
    buckets.set(row.bucket_id, {
      fold: {
        firstMs: row.storage_first_ms === null ? null : Number(row.storage_first_ms),
        lastMs: lastAt === null ? null : Date.parse(lastAt),
        lastBytes: row.storage_bytes == null ? null : BigInt(row.storage_bytes),
        lastAt,
        byteMillis: BigInt(row.storage_byte_millis),
        unordered: false,
      },
      egress: BigInt(row.egress_bytes),
      ingress: BigInt(row.ingress_bytes),
      requestsA: BigInt(row.requests_a),
      requestsB: BigInt(row.requests_b),
      lastWindowMs: row.traffic_last_window_ms === null ? null : Number(row.traffic_last_window_ms),
    });
    if (row.stream_revision !== null && (revision === null || BigInt(row.stream_revision) > revision)) revision = BigInt(row.stream_revision);
  }
  return { revision, buckets };
}

/** Folds the stream's events after `fold.revision` into it (in place); false when the fold cannot hold them. */
function foldTail(fold: PeriodFold, tail: readonly RecordedEvent[]): boolean {
  const { buckets } = fold;
  const samples = new Map<string, { bytes: bigint; at: string; atMs: number }[]>();
  for (const recorded of tail) {
    // A withdrawal takes samples out of what is folded: the period is replayed instead.
    if (recorded.type !== 'StorageMeasured' && recorded.type !== 'TrafficMeasured') return false;
    const event = { type: recorded.type, data: recorded.data } as UsageEvent;
    let bucket = buckets.get(event.data.bucketId);
    if (!bucket) buckets.set(event.data.bucketId, (bucket = { fold: emptyFold(), egress: 0n, ingress: 0n, requestsA: 0n, requestsB: 0n, lastWindowMs: null }));
    if (event.type === 'StorageMeasured') {
      const list = samples.get(event.data.bucketId) ?? [];
      list.push({ bytes: BigInt(event.data.bytes), at: event.data.at, atMs: Date.parse(event.data.at) });
      samples.set(event.data.bucketId, list);
    } else {
      bucket.egress += BigInt(event.data.egressBytes);
      bucket.ingress += BigInt(event.data.ingressBytes);
      bucket.requestsA += BigInt(event.data.requestsA);
      bucket.requestsB += BigInt(event.data.requestsB);
      const startMs = Date.parse(event.data.windowStart);
      if (bucket.lastWindowMs === null || startMs > bucket.lastWindowMs) bucket.lastWindowMs = startMs;
    }
    fold.revision = recorded.streamRevision;
  }
  for (const [bucketId, list] of samples) {
    const bucket = buckets.get(bucketId)!;
    bucket.fold = foldStorage(bucket.fold, list);
    if (bucket.fold.unordered) return false;
  }
  return true;
}

/** Where usageSoFar reads from; `periodStorage`, when given, answers as invoice-inputs' does, from what it keeps. */
export interface UsageSoFarSources {
  eventStore: EventStore;
  /** the usage-totals rows of an account's period, one per bucket */
  usageTotals(accountId: string, period: string): Promise<UsageTotalsRow[]>;
  /** how far the usage-totals read model has applied each earlier period's stream, per bucket */
  earlierUsageRevisions(accountId: string, period: string): Promise<UsageRevisionRow[]>;
  /** the fold of the period up to a revision, kept from an earlier request (exact: the stream only grows) */
  folds?: { get(key: string): PeriodFold | undefined; set(key: string, fold: PeriodFold): unknown; delete(key: string): unknown };
  periodStorage?(accountId: string, period: string, timeZone: string, buckets: readonly string[], earlierRevisions: string): Promise<PeriodStorage>;
}

/**
 * The period's usage from the usage-totals read model, and from its usage stream only after
 * the revision the read model has applied (or a fold kept from an earlier request), so the cost
 * does not grow with the period. Storage carried in and deletions are read from the log exactly
 * as billing reads them: earlier periods' read-model rows may lag behind their streams.
 *
 * Null when the read model cannot answer exactly and the caller replays the period: a storage
 * sample arrived older than a later one (the fold holds only for samples in time order), a
 * bucket was deleted before its last sample, or a sample or window is dated after `asOfMs`.
 */
export async function usageSoFar(
  sources: UsageSoFarSources,
  accountId: string,
  period: string,
  timeZone: string,
  bounds: { startMs: number; endMs: number },
  asOfMs: number,
): Promise<UsageSoFar | null> {
  const { eventStore, folds, periodStorage: keptStorage } = sources;
  const key = `${accountId} ${period}`;
  const kept = folds?.get(key);
  // Earlier periods' rows say which revision of their streams the read model has applied: what
  // a kept carried-in figure is keyed by (with this process's own appends, see usage-so-far-inputs.ts).
  const earlierRows = keptStorage ? sources.earlierUsageRevisions(accountId, period) : Promise.resolve([]);
  // What the read model (or the kept fold) has not applied yet: the stream after its revision (all of it when it has none).
  const tailAfter = (revision: bigint | null) => eventStore.readStream(usageStream(accountId, period), revision === null ? {} : { fromRevision: revision + 1n });
  let fold: PeriodFold | null;
  let tail: RecordedEvent[];
  let earlier: UsageRevisionRow[];
  if (kept) {
    fold = copyFold(kept);
    [earlier, tail] = await Promise.all([earlierRows, tailAfter(fold.revision)]);
  } else {
    const [rows, read] = await Promise.all([sources.usageTotals(accountId, period), earlierRows]);
    earlier = read;
    fold = foldFromRows(rows);
    if (fold === null) return null;
    tail = await tailAfter(fold.revision);
  }
  const earlierRevisions = earlier.map((row) => `${row.period}/${row.bucket_id}/${row.stream_revision ?? ''}`).join(' ');
  if (!foldTail(fold, tail)) {
    folds?.delete(key);
    return null;
  }
  if (folds && (tail.length > 0 || !kept)) folds.set(key, copyFold(fold));
  const { buckets } = fold;

  // Carried in and deletions exactly as billing reads them, from the log: earlier periods'
  // read-model rows may still lag behind their streams (only this period's tail is read here).
  const bucketIds = [...buckets.keys()].sort();
  const held = keptStorage
    ? await keptStorage(accountId, period, timeZone, bucketIds, earlierRevisions)
    : await periodStorage(eventStore, accountId, period, timeZone, { storage: bucketIds.map((bucket) => ({ bucket, bytes: '0', at: '' })) });
  const carried = new Map(Object.entries(held.carriedIn).map(([bucketId, bytes]) => [bucketId, BigInt(bytes)] as const));
  const deletions = new Map(held.deletions.map((d) => [d.bucket, Date.parse(d.at)] as const));

  const { startMs, endMs } = bounds;
  /** Σ bytes × ms held over [start, until), or null when the fold cannot say. */
  const heldUntil = (until: number): bigint | null => {
    let total = 0n;
    for (const bucketId of new Set([...carried.keys(), ...buckets.keys()])) {
      const fold = buckets.get(bucketId)?.fold ?? emptyFold();
      const deletedMs = deletions.get(bucketId) ?? null;
      const carriedIn = carried.get(bucketId) ?? null;
      if (fold.lastMs !== null && deletedMs !== null && deletedMs >= startMs && deletedMs < fold.lastMs) return null;
      const end = deletedMs !== null && deletedMs >= startMs && deletedMs < until ? deletedMs : until;
      const firstMs = fold.firstMs ?? end;
      if (carriedIn !== null) total += carriedIn * BigInt(Math.max(0, Math.min(firstMs, end) - startMs));
      if (fold.lastMs !== null && fold.lastBytes !== null) {
        if (fold.lastMs > until) return null;
        total += fold.byteMillis + fold.lastBytes * BigInt(Math.max(0, end - fold.lastMs));
      }
    }
    return total;
  };
  for (const bucket of buckets.values()) if (bucket.lastWindowMs !== null && bucket.lastWindowMs >= asOfMs) return null;
  const toDate = heldUntil(asOfMs);
  const whole = heldUntil(endMs);
  if (toDate === null || whole === null) return null;

  const periodMs = BigInt(endMs - startMs);
  const sum = (pick: (b: BucketSoFar) => bigint) => [...buckets.values()].reduce((total, b) => total + pick(b), 0n);
  const traffic = { egress: sum((b) => b.egress), ingress: sum((b) => b.ingress), requestsA: sum((b) => b.requestsA), requestsB: sum((b) => b.requestsB) };
  const start = formatInstant(startMs);
  // whole = q × periodMs + rem: q + 1 bytes for rem ms, then q bytes to the end
  const q = whole / periodMs;
  const rem = whole % periodMs;
  const storage = rem === 0n ? [{ bucket: 'all', bytes: q.toString(), at: start }] : [{ bucket: 'all', bytes: (q + 1n).toString(), at: start }, { bucket: 'all', bytes: q.toString(), at: formatInstant(startMs + Number(rem)) }];
  const hasTraffic = [...buckets.values()].some((b) => b.lastWindowMs !== null);
  return {
    storageGibMonthsToDate: new Exact(toDate.toString()).div(new Exact((BYTES_PER_GIB * periodMs).toString())),
    egressBytes: traffic.egress,
    ingressBytes: traffic.ingress,
    requestsA: traffic.requestsA,
    requestsB: traffic.requestsB,
    estimateUsage: {
      storage: whole === 0n ? [] : storage,
      traffic: hasTraffic
        ? [{ bucket: 'all', windowStart: start, windowEnd: start, egressBytes: traffic.egress.toString(), ingressBytes: traffic.ingress.toString(), requestsA: traffic.requestsA.toString(), requestsB: traffic.requestsB.toString() }]
        : [],
      deletions: [],
    },
  };
}

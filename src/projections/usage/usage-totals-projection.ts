import { sql, type Transaction } from 'kysely';
import { assertNever } from '../../domain/decider.ts';
import { usageCorrectionEvents, usageEvents, type SamplesWithdrawn } from '../../domain/usage/usage-events.ts';
import type { RecordedEvent } from '../../ports/event-store.ts';
import type { Projection } from '../projection.ts';
import type { UsageTables } from './usage-tables.ts';

/** `usage-<accountId>:<YYYY-MM>` → its period. */
function periodOfStream(streamName: string): string {
  const m = /^usage-.+:(\d{4}-\d{2})$/.exec(streamName);
  if (!m) throw new Error(`not a usage stream: ${streamName}`);
  return m[1]!;
}

/** One row's worth of a batch: sums, the storage samples, and how many events went in. */
interface TotalsDelta {
  account_id: string;
  period: string;
  bucket_id: string;
  egress: bigint;
  ingress: bigint;
  requestsA: bigint;
  requestsB: bigint;
  trafficWindows: number;
  lastWindowMs: number | null;
  storage: { bytes: bigint; at: string; atMs: number }[];
  samples: number;
  streamRevision: bigint;
}

function deltasOf(events: readonly RecordedEvent[]): TotalsDelta[] {
  const deltas = new Map<string, TotalsDelta>();
  for (const recorded of events) {
    const event = usageEvents.narrow(recorded);
    const period = periodOfStream(recorded.streamName);
    const id = `${event.data.accountId} ${period} ${event.data.bucketId}`;
    let delta = deltas.get(id);
    if (!delta) {
      delta = { account_id: event.data.accountId, period, bucket_id: event.data.bucketId, egress: 0n, ingress: 0n, requestsA: 0n, requestsB: 0n, trafficWindows: 0, lastWindowMs: null, storage: [], samples: 0, streamRevision: -1n };
      deltas.set(id, delta);
    }
    delta.samples++;
    if (recorded.streamRevision > delta.streamRevision) delta.streamRevision = recorded.streamRevision;
    switch (event.type) {
      case 'StorageMeasured':
        delta.storage.push({ bytes: BigInt(event.data.bytes), at: event.data.at, atMs: Date.parse(event.data.at) });
        break;
      case 'TrafficMeasured': {
        delta.egress += BigInt(event.data.egressBytes);
        delta.ingress += BigInt(event.data.ingressBytes);
        delta.requestsA += BigInt(event.data.requestsA);
        delta.requestsB += BigInt(event.data.requestsB);
        delta.trafficWindows++;
        const startMs = Date.parse(event.data.windowStart);
        if (delta.lastWindowMs === null || startMs > delta.lastWindowMs) delta.lastWindowMs = startMs;
        break;
      }
      default:
        assertNever(event);
    }
  }
  return [...deltas.values()];
}

/**
 * The storage fold (see StorageFold): samples in time order, each holding until the next; at
 * one instant the larger holds, as the rating engine orders them. A sample older than the
 * latest cannot be folded in: the row is marked unordered and its period is replayed.
 */
export interface StorageFold {
  firstMs: number | null;
  lastMs: number | null;
  lastBytes: bigint | null;
  lastAt: string | null;
  byteMillis: bigint;
  unordered: boolean;
}

export function foldStorage(fold: StorageFold, samples: readonly { bytes: bigint; at: string; atMs: number }[]): StorageFold {
  const next = { ...fold };
  const ordered = [...samples].sort((a, b) => a.atMs - b.atMs || (a.bytes < b.bytes ? -1 : a.bytes > b.bytes ? 1 : 0));
  for (const sample of ordered) {
    if (next.lastMs === null || next.lastBytes === null) {
      Object.assign(next, { firstMs: sample.atMs, lastMs: sample.atMs, lastBytes: sample.bytes, lastAt: sample.at });
    } else if (sample.atMs > next.lastMs) {
      next.byteMillis += next.lastBytes * BigInt(sample.atMs - next.lastMs);
      Object.assign(next, { lastMs: sample.atMs, lastBytes: sample.bytes, lastAt: sample.at });
    } else if (sample.atMs === next.lastMs) {
      if (sample.bytes > next.lastBytes) Object.assign(next, { lastBytes: sample.bytes, lastAt: sample.at });
    } else {
      next.unordered = true;
    }
  }
  return next;
}

const numberOrNull = (value: string | null) => (value === null ? null : Number(value));

async function applyDeltas(trx: Transaction<UsageTables>, deltas: readonly TotalsDelta[]): Promise<void> {
  if (deltas.length === 0) return;
  // The rows this batch touches, read once and locked: the fold continues from what they hold.
  const existing = await trx
    .selectFrom('usage_totals')
    .selectAll()
    .where(({ eb, refTuple, tuple }) => eb(refTuple('account_id', 'period', 'bucket_id'), 'in', deltas.map((d) => tuple(d.account_id, d.period, d.bucket_id))))
    .forUpdate()
    .execute();
  const rows = new Map(existing.map((row) => [`${row.account_id} ${row.period} ${row.bucket_id}`, row]));
  const values = deltas.map((d) => {
    const row = rows.get(`${d.account_id} ${d.period} ${d.bucket_id}`);
    const lastAt = row?.storage_at == null ? null : new Date(row.storage_at).toISOString();
    // The latest was withdrawn: every sample still counted is at or before that instant, so only
    // a later one is known to be the latest; earlier ones leave it unknown. (Such a row is
    // unordered already: its byte-milliseconds are not read.)
    const withdrawnAt = row?.storage_latest_withdrawn_at == null ? null : new Date(row.storage_latest_withdrawn_at).toISOString();
    const withdrawnMs = withdrawnAt === null ? null : Date.parse(withdrawnAt);
    const fold = foldStorage(
      {
        firstMs: numberOrNull(row?.storage_first_ms ?? null),
        lastMs: lastAt === null ? null : Date.parse(lastAt),
        lastBytes: row?.storage_bytes == null ? null : BigInt(row.storage_bytes),
        lastAt,
        byteMillis: BigInt(row?.storage_byte_millis ?? 0),
        unordered: row?.storage_unordered ?? false,
      },
      withdrawnMs === null ? d.storage : d.storage.filter((sample) => sample.atMs > withdrawnMs),
    );
    const latestUnknown = withdrawnAt !== null && fold.lastAt === null;
    const lastWindow = [numberOrNull(row?.traffic_last_window_ms ?? null), d.lastWindowMs].filter((ms): ms is number => ms !== null);
    const revision = row?.stream_revision == null ? d.streamRevision : BigInt(row.stream_revision) > d.streamRevision ? BigInt(row.stream_revision) : d.streamRevision;
    return {
      account_id: d.account_id,
      period: d.period,
      bucket_id: d.bucket_id,
      egress_bytes: (BigInt(row?.egress_bytes ?? 0) + d.egress).toString(),
      ingress_bytes: (BigInt(row?.ingress_bytes ?? 0) + d.ingress).toString(),
      requests_a: (BigInt(row?.requests_a ?? 0) + d.requestsA).toString(),
      requests_b: (BigInt(row?.requests_b ?? 0) + d.requestsB).toString(),
      traffic_windows: (row?.traffic_windows ?? 0) + d.trafficWindows,
      storage_bytes: fold.lastBytes === null ? null : fold.lastBytes.toString(),
      storage_at: fold.lastAt,
      storage_latest_withdrawn_at: latestUnknown ? withdrawnAt : null,
      samples: (row?.samples ?? 0) + d.samples,
      storage_first_ms: withdrawnMs !== null ? (row?.storage_first_ms ?? null) : fold.firstMs === null ? null : String(fold.firstMs),
      storage_byte_millis: fold.byteMillis.toString(),
      storage_unordered: fold.unordered || withdrawnMs !== null,
      traffic_last_window_ms: lastWindow.length === 0 ? null : String(Math.max(...lastWindow)),
      stream_revision: revision < 0n ? null : revision.toString(),
    };
  });
  await trx
    .insertInto('usage_totals')
    .values(values)
    .onConflict((oc) =>
      oc.columns(['account_id', 'period', 'bucket_id']).doUpdateSet((eb) => ({
        egress_bytes: eb.ref('excluded.egress_bytes'),
        ingress_bytes: eb.ref('excluded.ingress_bytes'),
        requests_a: eb.ref('excluded.requests_a'),
        requests_b: eb.ref('excluded.requests_b'),
        traffic_windows: eb.ref('excluded.traffic_windows'),
        storage_bytes: eb.ref('excluded.storage_bytes'),
        storage_at: eb.ref('excluded.storage_at'),
        storage_latest_withdrawn_at: eb.ref('excluded.storage_latest_withdrawn_at'),
        samples: eb.ref('excluded.samples'),
        storage_first_ms: eb.ref('excluded.storage_first_ms'),
        storage_byte_millis: eb.ref('excluded.storage_byte_millis'),
        storage_unordered: eb.ref('excluded.storage_unordered'),
        traffic_last_window_ms: eb.ref('excluded.traffic_last_window_ms'),
        stream_revision: eb.ref('excluded.stream_revision'),
      })),
    )
    .execute();
}

/**
 * Sums of transfer and requests, and the latest storage sample, per account, period and
 * bucket. Sums are order-independent; the storage sample kept is the one with the latest
 * `at` (ties: the larger, as the rating engine orders them), whatever order they arrived in,
 * or none with the instant of the withdrawn sample that was the latest (see applyWithdrawal).
 * A batch is folded in memory first and written as one statement: usage events come by the
 * million, and one round trip each would cap the projection at a few thousand per second.
 */
export const usageTotalsProjection: Projection = {
  name: 'usage-totals',
  // 2: a withdrawn latest storage sample leaves the row's latest unknown (storage_latest_withdrawn_at)
  version: 2,
  eventTypes: new Set([...usageEvents.types, ...usageCorrectionEvents.types]),
  tables: ['usage_totals'],

  apply: (trx, recorded) => applyInOrder(trx, [recorded]),
  applyBatch: applyInOrder,
};

/** Measurements fold in runs; a withdrawal is applied between them, in log order. */
async function applyInOrder(trx: Transaction<UsageTables>, events: readonly RecordedEvent[]): Promise<void> {
  let run: RecordedEvent[] = [];
  for (const recorded of events) {
    if (!usageCorrectionEvents.is(recorded)) {
      run.push(recorded);
      continue;
    }
    await applyDeltas(trx, deltasOf(run));
    run = [];
    await applyWithdrawal(trx, usageCorrectionEvents.narrow(recorded));
  }
  await applyDeltas(trx, deltasOf(run));
}

/**
 * Withdrawn samples come out of the sums. The storage fold cannot take a sample back: the rows
 * of the buckets concerned are marked unordered, so the estimate replays their period (where
 * the withdrawal is left out, as billing leaves it out), and a row whose latest storage sample
 * is the one withdrawn forgets it and records its instant (`storage_latest_withdrawn_at`):
 * which sample holds now only the period's stream can tell (`latestStorageOf`). A withdrawn
 * sample equal in instant and bytes to the latest is taken for it: another sample like it may
 * still hold, and the stream says so exactly.
 */
async function applyWithdrawal(trx: Transaction<UsageTables>, event: RecordedEvent & SamplesWithdrawn): Promise<void> {
  const period = periodOfStream(event.streamName);
  for (const sample of event.data.samples) {
    const traffic = sample.kind === 'traffic' ? sample : null;
    const wasLatest = sample.kind === 'storage' ? sql<boolean>`(storage_at = ${sample.at}::timestamptz and storage_bytes = ${sample.bytes}::numeric)` : sql<boolean>`false`;
    await trx
      .updateTable('usage_totals')
      .set((eb) => ({
        egress_bytes: eb('egress_bytes', '-', traffic?.egressBytes ?? '0'),
        ingress_bytes: eb('ingress_bytes', '-', traffic?.ingressBytes ?? '0'),
        requests_a: eb('requests_a', '-', traffic?.requestsA ?? '0'),
        requests_b: eb('requests_b', '-', traffic?.requestsB ?? '0'),
        traffic_windows: eb('traffic_windows', '-', traffic ? 1 : 0),
        // every right-hand side reads the row as it was before this update
        storage_bytes: sql<string | null>`case when ${wasLatest} then null else storage_bytes end`,
        storage_at: sql<string | null>`case when ${wasLatest} then null else storage_at end`,
        storage_latest_withdrawn_at: sql<string | null>`case when ${wasLatest} then storage_at else storage_latest_withdrawn_at end`,
        storage_unordered: true,
        stream_revision: sql<string>`greatest(coalesce(stream_revision, -1), ${event.streamRevision.toString()}::bigint)`,
      }))
      .where('account_id', '=', event.data.accountId)
      .where('period', '=', period)
      .where('bucket_id', '=', sample.bucketId)
      .execute();
  }
}

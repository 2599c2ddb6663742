import { sql, type Transaction } from 'kysely';
import { assertNever } from '../../domain/decider.ts';
import type { UsageEvent } from '../../domain/usage/usage-events.ts';
import type { RecordedEvent } from '../../ports/event-store.ts';
import type { Projection } from '../projection.ts';
import type { ReadModelDatabase } from '../read-model-database.ts';

/** `usage-<accountId>:<YYYY-MM>` → its period. */
function periodOfStream(streamName: string): string {
  const m = /^usage-.+:(\d{4}-\d{2})$/.exec(streamName);
  if (!m) throw new Error(`not a usage stream: ${streamName}`);
  return m[1]!;
}

/** One row's worth of a batch: sums, the latest storage sample, and how many events went in. */
interface TotalsDelta {
  account_id: string;
  period: string;
  bucket_id: string;
  egress: bigint;
  ingress: bigint;
  requestsA: bigint;
  requestsB: bigint;
  trafficWindows: number;
  storage: { bytes: string; at: string; atMs: number } | null;
  samples: number;
}

/** The rating engine's order of storage samples: later `at` wins, a tie goes to the larger. */
function laterStorage(a: TotalsDelta['storage'], b: NonNullable<TotalsDelta['storage']>): boolean {
  return a === null || b.atMs > a.atMs || (b.atMs === a.atMs && BigInt(b.bytes) > BigInt(a.bytes));
}

function deltasOf(events: readonly RecordedEvent[]): TotalsDelta[] {
  const deltas = new Map<string, TotalsDelta>();
  for (const recorded of events) {
    const event = { type: recorded.type, data: recorded.data } as UsageEvent;
    const period = periodOfStream(recorded.streamName);
    const id = `${event.data.accountId} ${period} ${event.data.bucketId}`;
    let delta = deltas.get(id);
    if (!delta) {
      delta = { account_id: event.data.accountId, period, bucket_id: event.data.bucketId, egress: 0n, ingress: 0n, requestsA: 0n, requestsB: 0n, trafficWindows: 0, storage: null, samples: 0 };
      deltas.set(id, delta);
    }
    delta.samples++;
    switch (event.type) {
      case 'StorageMeasured': {
        const candidate = { bytes: event.data.bytes, at: event.data.at, atMs: Date.parse(event.data.at) };
        if (laterStorage(delta.storage, candidate)) delta.storage = candidate;
        break;
      }
      case 'TrafficMeasured':
        delta.egress += BigInt(event.data.egressBytes);
        delta.ingress += BigInt(event.data.ingressBytes);
        delta.requestsA += BigInt(event.data.requestsA);
        delta.requestsB += BigInt(event.data.requestsB);
        delta.trafficWindows++;
        break;
      default:
        assertNever(event);
    }
  }
  return [...deltas.values()];
}

async function applyDeltas(trx: Transaction<ReadModelDatabase>, deltas: readonly TotalsDelta[]): Promise<void> {
  if (deltas.length === 0) return;
  const newer = sql<boolean>`(excluded.storage_at is not null and (usage_totals.storage_at is null or excluded.storage_at > usage_totals.storage_at
    or (excluded.storage_at = usage_totals.storage_at and excluded.storage_bytes > usage_totals.storage_bytes)))`;
  await trx
    .insertInto('usage_totals')
    .values(
      deltas.map((d) => ({
        account_id: d.account_id,
        period: d.period,
        bucket_id: d.bucket_id,
        egress_bytes: d.egress.toString(),
        ingress_bytes: d.ingress.toString(),
        requests_a: d.requestsA.toString(),
        requests_b: d.requestsB.toString(),
        traffic_windows: d.trafficWindows,
        storage_bytes: d.storage?.bytes ?? null,
        storage_at: d.storage?.at ?? null,
        samples: d.samples,
      })),
    )
    .onConflict((oc) =>
      oc.columns(['account_id', 'period', 'bucket_id']).doUpdateSet({
        egress_bytes: sql`usage_totals.egress_bytes + excluded.egress_bytes`,
        ingress_bytes: sql`usage_totals.ingress_bytes + excluded.ingress_bytes`,
        requests_a: sql`usage_totals.requests_a + excluded.requests_a`,
        requests_b: sql`usage_totals.requests_b + excluded.requests_b`,
        traffic_windows: sql`usage_totals.traffic_windows + excluded.traffic_windows`,
        storage_bytes: sql`case when ${newer} then excluded.storage_bytes else usage_totals.storage_bytes end`,
        storage_at: sql`case when ${newer} then excluded.storage_at else usage_totals.storage_at end`,
        samples: sql`usage_totals.samples + excluded.samples`,
      }),
    )
    .execute();
}

/**
 * Sums of transfer and requests, and the latest storage sample, per account, period and
 * bucket. Sums are order-independent; the storage sample kept is the one with the latest
 * `at` (ties: the larger, as the rating engine orders them), whatever order they arrived in.
 * A batch is folded in memory first and written as one statement: usage events come by the
 * million, and one round trip each would cap the projection at a few thousand per second.
 */
export const usageTotalsProjection: Projection = {
  name: 'usage-totals',
  eventTypes: new Set(['StorageMeasured', 'TrafficMeasured']),
  tables: ['usage_totals'],

  async apply(trx, recorded) {
    await applyDeltas(trx, deltasOf([recorded]));
  },

  async applyBatch(trx, events) {
    await applyDeltas(trx, deltasOf(events));
  },
};

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

/**
 * Sums of transfer and requests, and the latest storage sample, per account, period and
 * bucket. Sums are order-independent; the storage sample kept is the one with the latest
 * `at` (ties: the larger, as the rating engine orders them), whatever order they arrived in.
 */
export const usageTotalsProjection: Projection = {
  name: 'usage-totals',
  eventTypes: new Set(['StorageMeasured', 'TrafficMeasured']),
  tables: ['usage_totals'],

  async apply(trx: Transaction<ReadModelDatabase>, recorded: RecordedEvent) {
    const event = { type: recorded.type, data: recorded.data } as UsageEvent;
    const key = { account_id: event.data.accountId, period: periodOfStream(recorded.streamName), bucket_id: event.data.bucketId };
    switch (event.type) {
      case 'StorageMeasured': {
        const { bytes, at } = event.data;
        const newer = sql<boolean>`(usage_totals.storage_at is null or excluded.storage_at > usage_totals.storage_at
          or (excluded.storage_at = usage_totals.storage_at and excluded.storage_bytes > usage_totals.storage_bytes))`;
        await trx
          .insertInto('usage_totals')
          .values({ ...key, storage_bytes: bytes, storage_at: at, samples: 1 })
          .onConflict((oc) =>
            oc.columns(['account_id', 'period', 'bucket_id']).doUpdateSet({
              storage_bytes: sql`case when ${newer} then excluded.storage_bytes else usage_totals.storage_bytes end`,
              storage_at: sql`case when ${newer} then excluded.storage_at else usage_totals.storage_at end`,
              samples: sql`usage_totals.samples + 1`,
            }),
          )
          .execute();
        return;
      }
      case 'TrafficMeasured': {
        const d = event.data;
        await trx
          .insertInto('usage_totals')
          .values({
            ...key,
            egress_bytes: d.egressBytes,
            ingress_bytes: d.ingressBytes,
            requests_a: d.requestsA,
            requests_b: d.requestsB,
            traffic_windows: 1,
            storage_bytes: null,
            storage_at: null,
            samples: 1,
          })
          .onConflict((oc) =>
            oc.columns(['account_id', 'period', 'bucket_id']).doUpdateSet({
              egress_bytes: sql`usage_totals.egress_bytes + excluded.egress_bytes`,
              ingress_bytes: sql`usage_totals.ingress_bytes + excluded.ingress_bytes`,
              requests_a: sql`usage_totals.requests_a + excluded.requests_a`,
              requests_b: sql`usage_totals.requests_b + excluded.requests_b`,
              traffic_windows: sql`usage_totals.traffic_windows + 1`,
              samples: sql`usage_totals.samples + 1`,
            }),
          )
          .execute();
        return;
      }
      default:
        assertNever(event);
    }
  },
};

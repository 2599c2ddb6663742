import { sql, type Kysely, type Selectable } from 'kysely';
import type { UsageTotalsTable, UsageTables } from './usage-tables.ts';
import type { BucketTables } from '../buckets/bucket-tables.ts';

export type UsageTotalsRow = Selectable<UsageTotalsTable>;

/** An account's usage totals for one period, one row per bucket (bucket id order). */
export function usageTotals(db: Kysely<UsageTables>, accountId: string, period: string): Promise<UsageTotalsRow[]> {
  return db
    .selectFrom('usage_totals')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('period', '=', period)
    .orderBy('bucket_id')
    .execute();
}

export type UsageRevisionRow = Pick<UsageTotalsTable, 'period' | 'bucket_id' | 'stream_revision'>;

/**
 * How far the read model has applied each of the account's usage streams before `period`: per
 * earlier period and bucket, the stream revision (period, then bucket id order).
 */
export function earlierUsageRevisions(db: Kysely<UsageTables>, accountId: string, period: string): Promise<UsageRevisionRow[]> {
  return db
    .selectFrom('usage_totals')
    .select(['period', 'bucket_id', 'stream_revision'])
    .where('account_id', '=', accountId)
    .where('period', '<', period)
    .orderBy('period')
    .orderBy('bucket_id')
    .execute();
}

/** A bucket's latest storage as usage_totals holds it: a sample, or a period whose latest was withdrawn. */
export type LatestStorageRow =
  | { kind: 'sample'; accountId: string; bucketId: string; period: string; bytes: bigint; atMs: number }
  | { kind: 'withdrawn'; accountId: string; bucketId: string; period: string; withdrawnAtMs: number };

/**
 * Each bucket's latest storage over every period, for buckets not deleted: the latest sample
 * the rows know (latest `storage_at`; at one instant the larger), and every row whose latest
 * was withdrawn at or after it: one of those may hold a later sample still counted, which
 * only its period's stream can tell (`storedBytesByAccount` in commands/latest-storage.ts).
 */
export async function latestStorageRows(db: Kysely<UsageTables & BucketTables>): Promise<LatestStorageRow[]> {
  const { rows } = await sql<{ account_id: string; bucket_id: string; period: string; bytes: string | null; at: Date | string | null; withdrawn_at: Date | string | null }>`
    with live as (
      select u.account_id, u.bucket_id, u.period, u.storage_bytes, u.storage_at, u.storage_latest_withdrawn_at
      from usage_totals u
      join buckets b on b.bucket_id = u.bucket_id
      where b.status <> 'deleted' and (u.storage_bytes is not null or u.storage_latest_withdrawn_at is not null)
    ), known as (
      select distinct on (bucket_id) account_id, bucket_id, period, storage_bytes, storage_at
      from live
      where storage_bytes is not null
      order by bucket_id, storage_at desc, storage_bytes desc
    )
    select account_id, bucket_id, period, storage_bytes::text as bytes, storage_at as at, null::timestamptz as withdrawn_at
    from known
    union all
    select l.account_id, l.bucket_id, l.period, null, null, l.storage_latest_withdrawn_at
    from live l
    left join known k on k.bucket_id = l.bucket_id
    where l.storage_latest_withdrawn_at is not null and (k.storage_at is null or l.storage_latest_withdrawn_at >= k.storage_at)`.execute(db);
  return rows.map((row) => {
    const at = { accountId: row.account_id, bucketId: row.bucket_id, period: row.period };
    return row.withdrawn_at !== null
      ? { kind: 'withdrawn', ...at, withdrawnAtMs: new Date(row.withdrawn_at).getTime() }
      : { kind: 'sample', ...at, bytes: BigInt(row.bytes!.split('.')[0]!), atMs: new Date(row.at!).getTime() };
  });
}

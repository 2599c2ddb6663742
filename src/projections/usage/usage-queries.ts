import { sql, type Kysely, type Selectable } from 'kysely';
import type { ReadModelDatabase } from '../read-model-database.ts';
import type { UsageTotalsTable } from './usage-tables.ts';

export type UsageTotalsRow = Selectable<UsageTotalsTable>;

/** An account's usage totals for one period, one row per bucket (bucket id order). */
export function usageTotals(db: Kysely<ReadModelDatabase>, accountId: string, period: string): Promise<UsageTotalsRow[]> {
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
export function earlierUsageRevisions(db: Kysely<ReadModelDatabase>, accountId: string, period: string): Promise<UsageRevisionRow[]> {
  return db
    .selectFrom('usage_totals')
    .select(['period', 'bucket_id', 'stream_revision'])
    .where('account_id', '=', accountId)
    .where('period', '<', period)
    .orderBy('period')
    .orderBy('bucket_id')
    .execute();
}

/**
 * Bytes stored now, per account: each bucket's latest storage sample (from usage_totals, over
 * every period), for buckets not deleted. A bucket with no sample yet stores nothing we know of.
 */
export async function storedBytesByAccount(db: Kysely<ReadModelDatabase>): Promise<Map<string, bigint>> {
  const { rows } = await sql<{ account_id: string; stored: string }>`
    select latest.account_id, sum(latest.storage_bytes)::text as stored
    from (
      select distinct on (u.bucket_id) u.account_id, u.bucket_id, u.storage_bytes
      from usage_totals u
      join buckets b on b.bucket_id = u.bucket_id
      where u.storage_bytes is not null and b.status <> 'deleted'
      order by u.bucket_id, u.storage_at desc nulls last
    ) latest
    group by latest.account_id`.execute(db);
  return new Map(rows.map((row) => [row.account_id, BigInt(row.stored.split('.')[0]!)]));
}

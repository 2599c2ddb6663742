import type { Kysely } from 'kysely';
import type { ReadModelDatabase } from '../read-model-database.ts';

/** An account's usage totals for one period, one row per bucket (bucket id order). */
export function usageTotals(db: Kysely<ReadModelDatabase>, accountId: string, period: string) {
  return db
    .selectFrom('usage_totals')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('period', '=', period)
    .orderBy('bucket_id')
    .execute();
}

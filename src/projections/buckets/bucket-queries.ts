import type { Kysely } from 'kysely';
import type { ReadModelDatabase } from '../read-model-database.ts';
import type { BucketsTable } from './bucket-tables.ts';

/** The bucket only if it is this account's: another account's bucket is not found. */
export function findBucket(db: Kysely<ReadModelDatabase>, accountId: string, bucketId: string): Promise<BucketsTable | undefined> {
  return db.selectFrom('buckets').selectAll().where('bucket_id', '=', bucketId).where('account_id', '=', accountId).executeTakeFirst();
}

import type { Kysely } from 'kysely';
import type { BucketStatus } from '../../domain/bucket/bucket-decider.ts';
import type { ReadModelDatabase } from '../read-model-database.ts';
import type { BucketsTable } from './bucket-tables.ts';

/** The bucket only if it is this account's: another account's bucket is not found. */
export function findBucket(db: Kysely<ReadModelDatabase>, accountId: string, bucketId: string): Promise<BucketsTable | undefined> {
  return db.selectFrom('buckets').selectAll().where('bucket_id', '=', bucketId).where('account_id', '=', accountId).executeTakeFirst();
}

export interface BucketListQuery {
  accountId: string;
  status?: BucketStatus;
  /** lowercase letters, digits, dots and hyphens only (checked by the caller), so no LIKE escaping is needed */
  namePrefix?: string;
  limit: number;
  /** sort key of the last row of the previous page */
  after: { requestedAt: Date; bucketId: string } | null;
}

/** Newest first, keyset-paginated on (requested_at, bucket_id); returns up to limit + 1 rows so the caller sees if more follow. */
export function listBuckets(db: Kysely<ReadModelDatabase>, query: BucketListQuery): Promise<BucketsTable[]> {
  let select = db.selectFrom('buckets').selectAll().where('account_id', '=', query.accountId);
  if (query.status) select = select.where('status', '=', query.status);
  if (query.namePrefix) select = select.where('name', 'like', `${query.namePrefix}%`);
  if (query.after) {
    const { requestedAt, bucketId } = query.after;
    select = select.where((eb) => eb(eb.refTuple('requested_at', 'bucket_id'), '<', eb.tuple(requestedAt, bucketId)));
  }
  return select.orderBy('requested_at', 'desc').orderBy('bucket_id', 'desc').limit(query.limit + 1).execute();
}

import type { Kysely } from 'kysely';
import type { BucketsTable, BucketTables } from './bucket-tables.ts';
import type { AccountTables } from '../accounts/accounts-table.ts';

/** The bucket only if it is this account's: another account's bucket is not found. */
export function findBucket(db: Kysely<BucketTables>, accountId: string, bucketId: string): Promise<BucketsTable | undefined> {
  return db.selectFrom('buckets').selectAll().where('bucket_id', '=', bucketId).where('account_id', '=', accountId).executeTakeFirst();
}

export interface AccountBucketsPage {
  status?: BucketsTable['status'];
  /** a name prefix of lowercase letters, digits, dots and hyphens (no LIKE escaping needed) */
  name?: string;
  /** after this (requested_at, bucket_id), newest first */
  after?: readonly [Date, string];
  limit: number;
}

/**
 * A page of the account's buckets, newest first, or null when the read model has no such
 * account: both in one statement (the account's row, joined with the page), as a read under
 * load should not pay a round trip to learn the account exists.
 */
export async function accountBucketsPage(db: Kysely<BucketTables & AccountTables>, accountId: string, page: AccountBucketsPage): Promise<BucketsTable[] | null> {
  const rows = await db
    .selectFrom('accounts')
    .leftJoinLateral(
      (eb) => {
        let q = eb.selectFrom('buckets').selectAll().whereRef('buckets.account_id', '=', 'accounts.account_id');
        if (page.status) q = q.where('status', '=', page.status);
        if (page.name) q = q.where('name', 'like', `${page.name}%`);
        if (page.after) q = q.where((inner) => inner(inner.refTuple('requested_at', 'bucket_id'), '<', inner.tuple(page.after![0], page.after![1])));
        return q.orderBy('requested_at', 'desc').orderBy('bucket_id', 'desc').limit(page.limit).as('b');
      },
      (join) => join.onTrue(),
    )
    .selectAll('b')
    .where('accounts.account_id', '=', accountId)
    .orderBy('b.requested_at', 'desc')
    .orderBy('b.bucket_id', 'desc')
    .execute();
  if (rows.length === 0) return null;
  return rows.filter((row) => row.bucket_id !== null) as BucketsTable[];
}

/** The S3 names of the buckets storage holds for us now (provisioned, or being deleted), by name. */
export async function meteredBucketNames(db: Kysely<BucketTables>): Promise<string[]> {
  const rows = await db.selectFrom('buckets').select('name').where('status', 'in', ['provisioned', 'deleting']).orderBy('name').execute();
  return rows.map((r) => r.name);
}

/** The S3 names of the account's buckets storage holds now (provisioned, or being deleted): what an all-buckets key reaches. */
export async function accountStoredBucketNames(db: Kysely<BucketTables>, accountId: string): Promise<string[]> {
  const rows = await db.selectFrom('buckets').select('name').where('account_id', '=', accountId).where('status', 'in', ['provisioned', 'deleting']).execute();
  return rows.map((r) => r.name);
}

/** Every bucket of the account, deleted ones too, by id: how explanations name them. */
export async function accountBucketNames(db: Kysely<BucketTables>, accountId: string): Promise<Map<string, string>> {
  const rows = await db.selectFrom('buckets').select(['bucket_id', 'name']).where('account_id', '=', accountId).execute();
  return new Map(rows.map((row) => [row.bucket_id, row.name]));
}

import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('buckets')
    .addColumn('bucket_id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('failure_reason', 'text')
    // Text, not bigint: byte counts stay decimal strings from the event to the API.
    .addColumn('quota_bytes', 'text')
    .addColumn('versioning', 'text', (c) => c.notNull())
    .addColumn('lifecycle_expiration_days', 'integer')
    .addColumn('lifecycle_noncurrent_version_expiration_days', 'integer')
    .addColumn('requested_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addColumn('revision', 'bigint', (c) => c.notNull())
    .execute();
  // The portal's list: an account's buckets, newest first, keyset-paginated.
  await db.schema.createIndex('buckets_account_requested_idx').on('buckets').columns(['account_id', 'requested_at desc', 'bucket_id desc']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('buckets').execute();
}

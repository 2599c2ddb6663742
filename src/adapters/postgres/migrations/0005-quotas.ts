import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('account_quotas')
    .addColumn('account_id', 'text', (c) => c.primaryKey())
    // null: the configured default applies
    .addColumn('quota_gib', 'integer')
    .addColumn('pending_request_id', 'text')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addColumn('revision', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('quota_requests')
    .addColumn('request_id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('current_gib', 'integer', (c) => c.notNull())
    .addColumn('requested_gib', 'integer', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('note', 'text')
    .addColumn('requested_at', 'timestamptz', (c) => c.notNull())
    .addColumn('requested_by', 'text', (c) => c.notNull())
    .addColumn('decided_at', 'timestamptz')
    .addColumn('decided_by', 'text')
    .execute();
  await db.schema
    .createIndex('quota_requests_account_requested_idx')
    .on('quota_requests')
    .columns(['account_id', 'requested_at desc', 'request_id desc'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('quota_requests').execute();
  await db.schema.dropTable('account_quotas').execute();
}

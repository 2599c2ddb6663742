import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('notifications')
    .addColumn('notification_id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('resource_type', 'text', (c) => c.notNull())
    .addColumn('resource_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('read_at', 'timestamptz')
    .addColumn('read_by', 'text')
    .execute();
  // The portal's list, newest first, keyset-paginated; and the unread badge.
  await db.schema.createIndex('notifications_account_idx').on('notifications').columns(['account_id', 'created_at desc', 'notification_id desc']).execute();
  await sql`create index notifications_unread_idx on notifications (account_id, created_at desc, notification_id desc) where read_at is null`.execute(db);
  await db.schema
    .createTable('notification_accounts')
    .addColumn('account_id', 'text', (c) => c.primaryKey())
    .addColumn('locale', 'text', (c) => c.notNull().defaultTo('pt-BR'))
    .addColumn('time_zone', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('notification_accounts').execute();
  await db.schema.dropTable('notifications').execute();
}

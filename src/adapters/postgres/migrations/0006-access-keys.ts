import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // No column for the secret, sealed or not: the read model cannot leak what it never holds.
  await db.schema
    .createTable('access_keys')
    .addColumn('key_id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('access_key_id', 'text', (c) => c.notNull())
    .addColumn('bucket_scope', 'text', (c) => c.notNull())
    .addColumn('bucket_ids', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('permission', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('issued_at', 'timestamptz', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz')
    .addColumn('revoked_at', 'timestamptz')
    .addColumn('rotated_at', 'timestamptz')
    .addColumn('previous_access_key_id', 'text')
    .addColumn('previous_valid_until', 'timestamptz')
    .addColumn('provisioned_at', 'timestamptz')
    .addColumn('revision', 'bigint', (c) => c.notNull())
    .execute();
  // The portal's list: an account's keys, newest first, keyset-paginated.
  await db.schema.createIndex('access_keys_account_issued_idx').on('access_keys').columns(['account_id', 'issued_at desc', 'key_id desc']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('access_keys').execute();
}

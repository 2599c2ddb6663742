import type { Kysely } from 'kysely';

/**
 * Accounts learn their locale and their own mail server. The password is not a column:
 * the read model shows only that one is set. Existing rows read as pt-BR, as their
 * history does.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('accounts')
    .addColumn('locale', 'text', (c) => c.notNull().defaultTo('pt-BR'))
    .addColumn('smtp_host', 'text')
    .addColumn('smtp_port', 'integer')
    .addColumn('smtp_secure', 'boolean')
    .addColumn('smtp_username', 'text')
    .addColumn('smtp_password_set', 'boolean')
    .addColumn('smtp_from_name', 'text')
    .addColumn('smtp_from_address', 'text')
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('accounts')
    .dropColumn('locale')
    .dropColumn('smtp_host')
    .dropColumn('smtp_port')
    .dropColumn('smtp_secure')
    .dropColumn('smtp_username')
    .dropColumn('smtp_password_set')
    .dropColumn('smtp_from_name')
    .dropColumn('smtp_from_address')
    .execute();
}

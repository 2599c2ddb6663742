import type { Kysely } from 'kysely';

/**
 * Which stream each usage sample key is recorded in, for event stores whose event ids are
 * unique only per stream (EventStoreDB): a key re-sent for another period or bucket is refused
 * by its claim here. Unused (empty) with the PostgreSQL event store, whose ids already are.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('usage_sample_keys')
    .addColumn('sample_key', 'text', (c) => c.primaryKey())
    .addColumn('stream_name', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('usage_sample_keys').execute();
}

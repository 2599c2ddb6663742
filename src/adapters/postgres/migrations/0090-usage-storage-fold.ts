import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // What GET …/usage needs to answer without replaying the period: per bucket, the storage
  // held so far folded into byte-milliseconds (from its first sample of the period to its
  // latest), the latest traffic window's start, and the usage stream revision applied. Rows
  // projected before this column existed have no fold: they are marked unordered, so the
  // route replays their period until `ops rebuild usage-totals` folds them.
  await db.schema
    .alterTable('usage_totals')
    .addColumn('storage_first_ms', 'bigint')
    .addColumn('storage_byte_millis', 'numeric', (c) => c.notNull().defaultTo(0))
    .addColumn('storage_unordered', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('traffic_last_window_ms', 'bigint')
    .addColumn('stream_revision', 'bigint')
    .execute();
  await sql`UPDATE usage_totals SET storage_unordered = true`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('usage_totals')
    .dropColumn('storage_first_ms')
    .dropColumn('storage_byte_millis')
    .dropColumn('storage_unordered')
    .dropColumn('traffic_last_window_ms')
    .dropColumn('stream_revision')
    .execute();
}

import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // Per account, period and bucket: sums of transfer and requests, and the latest storage
  // sample. GiB-month is not kept here: it is rated from the usage streams. numeric, not
  // bigint: a sum of 2^63 − 1 counts can pass bigint's range; read back as decimal strings.
  await db.schema
    .createTable('usage_totals')
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('period', 'text', (c) => c.notNull())
    .addColumn('bucket_id', 'text', (c) => c.notNull())
    .addColumn('egress_bytes', 'numeric', (c) => c.notNull().defaultTo(0))
    .addColumn('ingress_bytes', 'numeric', (c) => c.notNull().defaultTo(0))
    .addColumn('requests_a', 'numeric', (c) => c.notNull().defaultTo(0))
    .addColumn('requests_b', 'numeric', (c) => c.notNull().defaultTo(0))
    .addColumn('traffic_windows', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('storage_bytes', 'numeric')
    .addColumn('storage_at', 'timestamptz')
    .addColumn('samples', 'integer', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('usage_totals_pk', ['account_id', 'period', 'bucket_id'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('usage_totals').execute();
}

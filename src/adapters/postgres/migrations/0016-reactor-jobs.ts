import { sql, type Kysely } from 'kysely';

/**
 * Work the reactors owe the outside world (MinIO, SFTPGo, SMTP), one row per job, taken
 * in from the event log in the same transaction as the reactor's checkpoint; and what each
 * metering collector last managed to read.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('reactor_jobs')
    .addColumn('reactor', 'text', (c) => c.notNull())
    .addColumn('job_id', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('account_id', 'uuid')
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('position', 'text', (c) => c.notNull())
    .addColumn('event_id', 'uuid', (c) => c.notNull())
    .addColumn('correlation_id', 'text', (c) => c.notNull())
    .addColumn('payload', 'jsonb', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('pending'))
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('not_before', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('leased_until', 'timestamptz')
    .addColumn('lease_token', 'uuid')
    .addColumn('started_at', 'timestamptz')
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('done_at', 'timestamptz')
    .addPrimaryKeyConstraint('reactor_jobs_pk', ['reactor', 'job_id'])
    .execute();
  await sql`create index reactor_jobs_open_idx on reactor_jobs (reactor, position) where status <> 'done'`.execute(db);
  await db.schema.createIndex('reactor_jobs_subject_idx').on('reactor_jobs').columns(['reactor', 'subject', 'position']).execute();

  await db.schema
    .createTable('collector_runs')
    .addColumn('collector', 'text', (c) => c.primaryKey())
    .addColumn('last_run_at', 'timestamptz', (c) => c.notNull())
    .addColumn('last_success_at', 'timestamptz')
    .addColumn('last_error', 'text')
    .addColumn('samples_recorded', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('buckets_read', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('collector_runs').execute();
  await db.schema.dropTable('reactor_jobs').execute();
}

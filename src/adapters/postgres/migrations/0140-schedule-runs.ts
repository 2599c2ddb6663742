import { sql, type Kysely } from 'kysely';

/**
 * One row per scheduled job per tick (its slot), written before the job runs: with several
 * processes, a tick is run once, and a run whose process died is found and run again.
 * Instants come from the service's clock.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('schedule_runs')
    .addColumn('job', 'text', (c) => c.notNull())
    .addColumn('slot', 'timestamptz', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('running', 'done', 'failed')`))
    .addColumn('holder', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('started_at', 'timestamptz', (c) => c.notNull())
    .addColumn('finished_at', 'timestamptz')
    .addColumn('summary', 'text')
    .addPrimaryKeyConstraint('schedule_runs_pk', ['job', 'slot'])
    .execute();
  await sql`create index schedule_runs_running_idx on schedule_runs (job) where status = 'running'`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('schedule_runs').execute();
}

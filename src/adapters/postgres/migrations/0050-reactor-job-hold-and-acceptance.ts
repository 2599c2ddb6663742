import { sql, type Kysely } from 'kysely';

/**
 * `first_tried_at`: a job once tried holds its subject's later jobs back until it is done or
 * failed for good, also while it waits for configuration (which does not count as a try).
 * `accepted_outcome`: what an at-most-once side effect (a mail) was accepted with, noted
 * before its outcome is recorded, so a failed recording is retried alone, never the mail.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table reactor_jobs add column first_tried_at timestamptz`.execute(db);
  await sql`alter table reactor_jobs add column accepted_outcome jsonb`.execute(db);
  await sql`update reactor_jobs set first_tried_at = updated_at where attempts > 0 or last_error like 'waiting: %'`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table reactor_jobs drop column accepted_outcome`.execute(db);
  await sql`alter table reactor_jobs drop column first_tried_at`.execute(db);
}

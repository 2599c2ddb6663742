import { sql, type Kysely } from 'kysely';

/**
 * What the operator's lists read in their own order: invoices across accounts (overdue
 * first, then by due date, drafts last), pending quota requests (oldest first) and failed
 * reactor jobs (most recent first).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE INDEX invoices_finder_idx
      ON invoices ((CASE WHEN status = 'overdue' THEN 0 ELSE 1 END), (coalesce(due_date, '9999-12-31')), invoice_id)`.execute(db);
  await sql`CREATE INDEX quota_requests_pending_idx ON quota_requests (requested_at, request_id) WHERE status = 'pending'`.execute(db);
  await sql`CREATE INDEX reactor_jobs_failed_idx ON reactor_jobs (updated_at DESC, reactor, job_id) WHERE status = 'failed'`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP INDEX reactor_jobs_failed_idx`.execute(db);
  await sql`DROP INDEX quota_requests_pending_idx`.execute(db);
  await sql`DROP INDEX invoices_finder_idx`.execute(db);
}

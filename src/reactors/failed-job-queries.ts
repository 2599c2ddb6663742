import { sql, type Kysely } from 'kysely';
import type { ReactorJobsTable, ReactorTables } from './reactor-tables.ts';

export type FailedJobRow = Pick<ReactorJobsTable, 'reactor' | 'job_id' | 'kind' | 'subject' | 'account_id' | 'attempts' | 'last_error' | 'created_at' | 'updated_at'> & {
  attempts: number;
};

/**
 * Reactor jobs failed for good (what `ops status` lists, and `ops retry` puts back in line),
 * most recently failed first, then by reactor and job id. A job's row is last written when it
 * fails, so `updated_at` is when it failed.
 */
export function failedReactorJobsPage(
  db: Kysely<ReactorTables>,
  page: { reactor?: string; after?: readonly [Date, string, string]; limit: number },
): Promise<FailedJobRow[]> {
  let q = db
    .selectFrom('reactor_jobs')
    .select(['reactor', 'job_id', 'kind', 'subject', 'account_id', 'attempts', 'last_error', 'created_at', 'updated_at'])
    .where('status', '=', 'failed');
  if (page.reactor !== undefined) q = q.where('reactor', '=', page.reactor);
  const { after } = page;
  // newest first, ties by reactor and job id ascending: (updated_at < t) or (= t and (reactor, job_id) > (r, j))
  if (after) {
    q = q.where(
      sql<boolean>`(updated_at < ${after[0]} OR (updated_at = ${after[0]} AND (reactor, job_id) > (${after[1]}, ${after[2]})))`,
    );
  }
  return q.orderBy('updated_at', 'desc').orderBy('reactor').orderBy('job_id').limit(page.limit).execute() as Promise<FailedJobRow[]>;
}

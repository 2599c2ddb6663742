import type { Generated } from 'kysely';

export type ReactorJobStatus = 'pending' | 'done' | 'failed';

export interface ReactorJobsTable {
  reactor: string;
  job_id: string;
  /** jobs of one subject (a bucket, a key, an account) run one at a time, in log order */
  subject: string;
  account_id: string | null;
  kind: string;
  /** position of the event that asked for the job: the order jobs of a subject run in */
  position: string;
  /** the event that asked for it: the outcome event's causation */
  event_id: string;
  correlation_id: string;
  payload: unknown;
  status: Generated<ReactorJobStatus>;
  attempts: Generated<number>;
  not_before: Date;
  leased_until: Date | null;
  /** who holds the lease: every write of a try is conditional on it still being ours */
  lease_token: string | null;
  /** set before an at-most-once side effect (a mail): a job found started was maybe done */
  started_at: Date | null;
  /** the first try: from then on the job holds its subject's later jobs back until done or failed */
  first_tried_at: Date | null;
  /** an at-most-once side effect the remote accepted, with what its outcome record needs: only the recording is retried */
  accepted_outcome: unknown;
  last_error: string | null;
  created_at: Date;
  updated_at: Date;
  done_at: Date | null;
}

export interface ReactorTables {
  reactor_jobs: ReactorJobsTable;
}

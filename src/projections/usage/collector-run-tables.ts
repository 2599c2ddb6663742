import type { Generated } from 'kysely';

/** A metering collector's last run, for `ops status`: written by the collectors, not fed from the log. */
export interface CollectorRunsTable {
  collector: string;
  last_run_at: Date;
  last_success_at: Date | null;
  last_error: string | null;
  samples_recorded: Generated<string>;
  buckets_read: Generated<number>;
}

export interface CollectorRunTables {
  collector_runs: CollectorRunsTable;
}

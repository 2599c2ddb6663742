import type { Kysely, Selectable } from 'kysely';
import type { CollectorRunsTable, CollectorRunTables } from './collector-run-tables.ts';

/** What one metering collector run gave, or why it failed. */
export type CollectorRunOutcome = { summary: { bucketsRead: number; samplesRecorded: number; unread: string[] } } | { error: string };

/** Remembers a collector's last run (and adds up the samples it recorded) for `ops status`. */
export async function saveCollectorRun(db: Kysely<CollectorRunTables>, collector: string, now: Date, outcome: CollectorRunOutcome): Promise<void> {
  const values =
    'summary' in outcome
      ? {
          last_run_at: now,
          last_success_at: now,
          last_error: outcome.summary.unread.length > 0 ? `not read: ${outcome.summary.unread.slice(0, 20).join(', ')}` : null,
          buckets_read: outcome.summary.bucketsRead,
        }
      : { last_run_at: now, last_error: outcome.error };
  const added = 'summary' in outcome ? String(outcome.summary.samplesRecorded) : '0';
  await db
    .insertInto('collector_runs')
    .values({ collector, ...values, samples_recorded: added })
    .onConflict((oc) =>
      oc.column('collector').doUpdateSet((eb) => ({ ...values, samples_recorded: eb(eb.ref('collector_runs.samples_recorded'), '+', eb.val(added)) }) as never),
    )
    .execute();
}

export type CollectorRunRow = Selectable<CollectorRunsTable>;

/** Every collector's last run, by collector name. */
export function collectorRuns(db: Kysely<CollectorRunTables>): Promise<CollectorRunRow[]> {
  return db.selectFrom('collector_runs').selectAll().orderBy('collector').execute();
}

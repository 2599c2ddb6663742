import type { Generated, Kysely } from 'kysely';

export interface ScheduleRunsTable {
  job: string;
  slot: Date;
  status: 'running' | 'done' | 'failed';
  holder: string;
  attempts: Generated<number>;
  started_at: Date;
  finished_at: Date | null;
  summary: string | null;
}

export interface ScheduleRunTables {
  schedule_runs: ScheduleRunsTable;
}

/** What the scheduler records of each tick: a slot is claimed once, and a claimed run left unfinished is found again. */
export interface ScheduleRuns {
  /** true when this call recorded the slot (it is this process's to run); false when it was run or is running already */
  claim(job: string, slot: Date, holder: string, now: Date): Promise<boolean>;
  finish(job: string, slot: Date, outcome: { status: 'done' | 'failed'; summary: string }, now: Date): Promise<void>;
  /** the job's runs recorded as running, oldest first: when this process has just taken the job's lease, runs that died */
  unfinished(job: string): Promise<Date[]>;
  /** records that `holder` runs the slot again */
  retake(job: string, slot: Date, holder: string, now: Date): Promise<void>;
}

export function scheduleRunsIn(db: Kysely<ScheduleRunTables>): ScheduleRuns {
  return {
    async claim(job, slot, holder, now) {
      const inserted = await db
        .insertInto('schedule_runs')
        .values({ job, slot, status: 'running', holder, started_at: now, finished_at: null, summary: null })
        .onConflict((oc) => oc.columns(['job', 'slot']).doNothing())
        .executeTakeFirst();
      return (inserted.numInsertedOrUpdatedRows ?? 0n) > 0n;
    },
    async finish(job, slot, outcome, now) {
      await db
        .updateTable('schedule_runs')
        .set({ status: outcome.status, summary: outcome.summary.slice(0, 2000), finished_at: now })
        .where('job', '=', job)
        .where('slot', '=', slot)
        .execute();
    },
    async unfinished(job) {
      const rows = await db.selectFrom('schedule_runs').select('slot').where('job', '=', job).where('status', '=', 'running').orderBy('slot').execute();
      return rows.map((row) => row.slot);
    },
    async retake(job, slot, holder, now) {
      await db
        .updateTable('schedule_runs')
        .set((eb) => ({ holder, started_at: now, attempts: eb('attempts', '+', 1) }))
        .where('job', '=', job)
        .where('slot', '=', slot)
        .execute();
    },
  };
}

import cron from 'node-cron';
import type { Leases } from '../../ports/leases.ts';
import type { ScheduleRuns } from './schedule-runs.ts';

export interface ScheduledJob {
  name: string;
  /** a cron expression, evaluated in UTC */
  schedule: string;
  /** the variable the schedule came from, to name it when it is wrong */
  configuredBy: string;
  /** returns a one-line summary for the log */
  run(now: Date): Promise<string>;
}

/** With several processes: each job's lease, and the record of each tick run. */
export interface ScheduleCoordination {
  leases: Leases;
  runs: ScheduleRuns;
}

/** The lease under which a process runs a scheduled job's ticks. */
export const scheduleLeaseOf = (job: string) => `schedule:${job}`;

/** A tick as its slot: the instant the schedule named, to the second. */
const slotOf = (tick: Date) => new Date(Math.floor(tick.getTime() / 1000) * 1000);

/**
 * Starts every job on its schedule. Given coordination, a job runs only in the process
 * holding its lease, each tick is recorded once before it runs (a tick another process ran
 * is not run again), and the process that takes a lease over first runs again the ticks
 * recorded as running, whose process died. A job never overlaps itself: a tick that comes while the
 * previous run is still going is skipped and logged.
 */
export function startSchedules(jobs: readonly ScheduledJob[], log: (line: string) => void, clock: () => Date, coordination?: ScheduleCoordination): { stop(): Promise<void> } {
  for (const job of jobs) {
    if (!cron.validate(job.schedule)) throw new Error(`${job.configuredBy}: "${job.schedule}" is not a cron expression`);
  }
  if (coordination) {
    const held = jobs.map((job) => coordination.leases.hold(scheduleLeaseOf(job.name), (signal) => runWhileHeld(job, signal, log, clock, coordination)));
    return {
      async stop() {
        await Promise.allSettled(held.map((lease) => lease.release()));
      },
    };
  }
  const tasks = jobs.map((job) => {
    const task = cron.schedule(
      job.schedule,
      async () => {
        const started = Date.now();
        try {
          // The process's clock, not the tick's: one clock per process.
          const summary = await job.run(clock());
          log(`job ${job.name}: ${summary} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
        } catch (error) {
          log(`job ${job.name} failed: ${error instanceof Error ? error.message : String(error)}`);
        }
      },
      { name: job.name, noOverlap: true, timezone: 'UTC' },
    );
    task.on('execution:overlap', () => log(`job ${job.name}: still running, this tick skipped`));
    return task;
  });
  return {
    async stop() {
      for (const task of tasks) await task.stop();
    },
  };
}

async function runWhileHeld(job: ScheduledJob, signal: AbortSignal, log: (line: string) => void, clock: () => Date, { leases, runs }: ScheduleCoordination): Promise<void> {
  const runSlot = async (slot: Date) => {
    const started = Date.now();
    let outcome: { status: 'done' | 'failed'; summary: string };
    try {
      // The process's clock, not the tick's: one clock per process.
      outcome = { status: 'done', summary: await job.run(clock()) };
    } catch (error) {
      outcome = { status: 'failed', summary: error instanceof Error ? error.message : String(error) };
    }
    // Recorded before it is said: a run logged is a run finished (one that dies first is run again).
    await runs.finish(job.name, slot, outcome, clock()).catch((error: unknown) => log(`job ${job.name}: could not record the run of ${slot.toISOString()}: ${String(error)}`));
    const tick = `job ${job.name} (tick ${slot.toISOString()})`;
    if (outcome.status === 'done') log(`${tick}: ${outcome.summary} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    else log(`${tick} failed: ${outcome.summary}`);
  };
  // This process has only just taken the lease: a run recorded as running is one whose process died.
  for (const slot of await runs.unfinished(job.name)) {
    if (signal.aborted) return;
    log(`job ${job.name}: running again the tick of ${slot.toISOString()}, whose run died with its process`);
    await runs.retake(job.name, slot, leases.holder, clock());
    await runSlot(slot);
  }
  if (signal.aborted) return;
  let running: Promise<void> = Promise.resolve();
  const task = cron.schedule(
    job.schedule,
    async (context) => {
      const slot = slotOf(context.date);
      const run = (async () => {
        if (!(await runs.claim(job.name, slot, leases.holder, clock()))) {
          log(`job ${job.name}: the tick of ${slot.toISOString()} was run already`);
          return;
        }
        await runSlot(slot);
      })().catch((error: unknown) => log(`job ${job.name} failed: ${error instanceof Error ? error.message : String(error)}`));
      running = run;
      await run;
    },
    { name: job.name, noOverlap: true, timezone: 'UTC' },
  );
  task.on('execution:overlap', () => log(`job ${job.name}: still running, this tick skipped`));
  await new Promise<void>((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
  await task.stop();
  await running;
}

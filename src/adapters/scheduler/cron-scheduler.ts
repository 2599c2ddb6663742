import cron from 'node-cron';

export interface ScheduledJob {
  name: string;
  /** a cron expression, evaluated in UTC */
  schedule: string;
  /** the variable the schedule came from, to name it when it is wrong */
  configuredBy: string;
  /** returns a one-line summary for the log */
  run(now: Date): Promise<string>;
}

/**
 * Starts every job on its schedule. A job never overlaps itself: a tick that comes while the
 * previous run is still going is skipped and logged.
 */
export function startSchedules(jobs: readonly ScheduledJob[], log: (line: string) => void, clock: () => Date): { stop(): Promise<void> } {
  for (const job of jobs) {
    if (!cron.validate(job.schedule)) throw new Error(`${job.configuredBy}: "${job.schedule}" is not a cron expression`);
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

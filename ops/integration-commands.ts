import type { Application } from '../src/main.ts';
import { COLLECTORS } from '../src/commands/metering-collectors.ts';
import { scheduledJobs } from '../src/main.ts';
import { UsageError } from './usage-error.ts';

export const INTEGRATION_USAGE = `  retry <reactor> <jobId>                  put a failed reactor job back in line (status lists both)
  jobs                                     every scheduled job and its schedule
  run-job <name>                           run a scheduled job now (names: see jobs)`;

/** Reactors and collectors in `ops status`: lag, waiting work, failures with the remote's reason. */
export async function printIntegrationStatus(app: Application): Promise<boolean> {
  for (const line of app.integrations.describe()) console.log(line);
  const reactors = await app.reactors.status();
  console.table(
    reactors.map((r) => ({
      reactor: r.reactor,
      state: r.unavailable ? `waiting: ${r.unavailable}` : 'working',
      lag: r.lag.toString(),
      pending: r.pending,
      retrying: r.retrying,
      failed: r.failed,
      done: r.done,
    })),
  );
  for (const r of reactors) {
    for (const f of r.failures) console.log(`${r.reactor} job ${f.jobId} (${f.kind}, ${f.subject}) FAILED after ${f.attempts} tries: ${f.error}`);
  }
  const runs = await app.ops.collectorRuns();
  const collectors = Object.values(COLLECTORS).map((collector) => {
    const run = runs.find((r) => r.collector === collector);
    return {
      collector,
      lastRun: run?.last_run_at.toISOString() ?? 'never',
      lastSuccess: run?.last_success_at?.toISOString() ?? 'never',
      samples: run?.samples_recorded ?? '0',
      problem: run?.last_error ?? '',
    };
  });
  console.table(collectors);
  return reactors.some((r) => r.failed > 0);
}

export const integrationCommands: Record<string, (app: Application, args: string[]) => Promise<number>> = {
  async retry(app, [reactor, jobId]) {
    if (!reactor || !jobId) throw new UsageError('retry needs a reactor and a job id, e.g. retry minio-buckets 0b6c…; `status` lists failed jobs');
    await app.reactors.retry(reactor, jobId);
    console.log(`job ${jobId} of ${reactor} is pending again; the running service takes it within a second`);
    return 0;
  },

  async jobs(app) {
    console.table(scheduledJobs(app, { includeOff: true }).map((job) => ({ job: job.name, schedule: job.schedule, setBy: job.configuredBy })));
    return 0;
  },

  async 'run-job'(app, [name]) {
    const jobs = scheduledJobs(app, { includeOff: true });
    const job = jobs.find((j) => j.name === name);
    if (!job) throw new UsageError(`run-job needs one of: ${jobs.map((j) => j.name).join(', ')}`);
    const started = Date.now();
    const summary = await job.run(new Date());
    console.log(`${job.name}: ${summary} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    return 0;
  },
};

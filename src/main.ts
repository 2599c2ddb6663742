import { randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { startSchedules, type ScheduledJob } from './adapters/scheduler/cron-scheduler.ts';
import { runBilling } from './commands/billing-run.ts';
import type { RatingPlanLoader } from './commands/invoice-inputs.ts';
import { periodOf, previousPeriod } from './domain/rating/index.ts';
import { openInfrastructure, type Infrastructure } from './adapters/infrastructure.ts';
import { buildApi } from './api/server.ts';
import { createAccountCommands, memberRoleLookup } from './commands/account-commands.ts';
import { authenticateToken } from './commands/api-token-commands.ts';
import { loadRatingPlan } from './commands/subscription-commands.ts';
import { ConfigError, loadConfig, type Config } from './config.ts';
import { accessKeyProjections } from './projections/access-keys/access-key-projections.ts';
import { accountsProjection } from './projections/accounts/accounts-projection.ts';
import { auditLogProjections } from './projections/audit-log/audit-log-projections.ts';
import { bucketProjections } from './projections/buckets/bucket-projections.ts';
import { memberProjections } from './projections/members/member-projections.ts';
import { quotaProjections } from './projections/quotas/quota-projections.ts';
import { sftpUserProjections } from './projections/sftp-users/sftp-user-projections.ts';
import { pricebookProjections } from './projections/pricebook/pricebook-projections.ts';
import { subscriptionProjections } from './projections/subscriptions/subscription-projections.ts';
import { usageProjections } from './projections/usage/usage-projections.ts';
import { invoiceProjections } from './projections/invoices/invoice-projections.ts';
import { paymentProjections } from './projections/payments/payment-projections.ts';
import { runDunning } from './commands/dunning.ts';
import { DEFAULT_DUNNING_CONFIG } from './domain/invoice/dunning-rules.ts';
import { ProjectionRunner } from './projections/projection-runner.ts';
import type { Projection } from './projections/projection.ts';

export const VERSION = '0.1.0';

/** Every read model the service keeps, in one list: the runner, ops status and rebuild read it. */
export const projections: readonly Projection[] = [
  accountsProjection,
  ...memberProjections,
  ...bucketProjections,
  ...quotaProjections,
  ...accessKeyProjections,
  ...sftpUserProjections,
  ...usageProjections,
  ...pricebookProjections,
  ...subscriptionProjections,
  ...invoiceProjections,
  ...paymentProjections,
  ...auditLogProjections,
];

export interface Application {
  config: Config;
  infrastructure: Infrastructure;
  runner: ProjectionRunner;
  api: ReturnType<typeof buildApi>;
  loadRatingPlan: RatingPlanLoader;
  close(): Promise<void>;
}

/** The one composition root: config -> adapters -> handlers -> api and workers. */
export async function compose(config: Config, options: { log?: (line: string) => void; httpLogs?: boolean; logStream?: NodeJS.WritableStream } = {}): Promise<Application> {
  const infrastructure = await openInfrastructure(config, options.log);
  const { eventStore, readModels } = infrastructure;
  const ratingPlans: RatingPlanLoader = async (accountId, period, timeZone) => {
    const plan = await loadRatingPlan(eventStore, accountId, period, timeZone);
    return plan.segments.length > 0 ? plan : null;
  };
  const api = buildApi({
    accounts: createAccountCommands(eventStore),
    modules: {
      eventStore,
      readModels,
      secrets: infrastructure.secrets,
      settings: {
        defaultQuotaGiB: config.defaultAccountQuotaGiB,
        keyRotationGraceHours: config.accessKeyRotationGraceHours,
        billingGraceHours: config.billingGraceHours,
        billingConcurrency: config.billingConcurrency,
        dunningSuspendAfterDays: config.dunningSuspendAfterDays,
      },
      loadRatingPlan: ratingPlans,
    },
    readModels,
    authenticate: (token) => authenticateToken(eventStore, memberRoleLookup(eventStore), token),
    healthChecks: [
      { name: 'postgres', check: infrastructure.checkPostgres },
      { name: 'eventStore', check: () => eventStore.ping() },
    ],
    now: () => new Date(),
    logger: options.httpLogs === false ? false : { level: config.logLevel, ...(options.logStream ? { stream: options.logStream } : {}) },
    version: VERSION,
  });
  const runner = new ProjectionRunner({
    db: readModels,
    eventStore,
    projections,
    batchSize: config.projectionBatchSize,
    logger: { info: (m) => api.log.info(m), error: (m) => api.log.error(m) },
  });
  return {
    config,
    infrastructure,
    runner,
    api,
    loadRatingPlan: ratingPlans,
    async close() {
      await api.close();
      await runner.stop();
      await infrastructure.close();
    },
  };
}

/** Every scheduled job, with its schedule from config. */
function scheduledJobs(app: Application): ScheduledJob[] {
  const { config } = app;
  const { eventStore, readModels } = app.infrastructure;
  const context = (job: string, now: Date) => {
    const id = randomUUID();
    return { actor: `system:${job}`, correlationId: id, causationId: id, occurredAt: now.toISOString() };
  };
  const billing = { eventStore, readModels, loadRatingPlan: app.loadRatingPlan, graceHours: config.billingGraceHours, concurrency: config.billingConcurrency };
  const jobs: ScheduledJob[] = [
    {
      name: 'billing-run',
      schedule: config.billingCron,
      configuredBy: 'BILLING_CRON',
      async run(now) {
        // The month before, in UTC: every account's zone has closed it by now, or will by a later day's run.
        const period = previousPeriod(periodOf(now.toISOString(), 'UTC'));
        const summary = await runBilling(billing, period, now, context('billing-run', now));
        return `${period}: ${summary.issued} issued, ${summary.drafted} drafted, ${summary.alreadyIssued} already issued, ${summary.skipped} skipped, ${summary.failed} failed`;
      },
    },
    {
      name: 'dunning',
      schedule: config.dunningCron,
      configuredBy: 'DUNNING_CRON',
      async run(now) {
        const summary = await runDunning({ eventStore, readModels, config: { ...DEFAULT_DUNNING_CONFIG, suspendAfterDays: config.dunningSuspendAfterDays } }, now, context('dunning', now));
        return JSON.stringify(summary).slice(0, 300);
      },
    },
  ];
  return jobs.filter((job) => job.schedule !== 'off');
}

async function start(): Promise<void> {
  const say = (line: string) => console.log(`[cloudpro] ${line}`);
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    console.error(error instanceof ConfigError ? error.message : error);
    process.exit(2);
  }
  const app = await compose(config, { log: say });
  app.runner.start();
  const schedules = startSchedules(scheduledJobs(app), say);
  const address = await app.api.listen({ host: config.host, port: config.port });
  say(`read models: ${app.infrastructure.description.postgres}`);
  say(`events: ${app.infrastructure.description.eventStore}`);
  say(`listening on ${address} (health: ${address}/health, API document: ${address}/docs)`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    say(`${signal}: stopping`);
    await schedules.stop();
    await app.close();
    say('stopped');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  start().catch((error: unknown) => {
    console.error('[cloudpro] could not start:', error instanceof Error ? error.message : error);
    process.exit(1);
  });
}

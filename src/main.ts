import { randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { startSchedules, type ScheduledJob } from './adapters/scheduler/cron-scheduler.ts';
import { runBilling } from './commands/billing-run.ts';
import type { RatingPlanLoader } from './commands/invoice-inputs.ts';
import { periodOf, previousPeriod } from './domain/rating/index.ts';
import { openInfrastructure, type Infrastructure } from './adapters/infrastructure.ts';
import { buildApi } from './api/server.ts';
import { createAccountCommands, memberRoleLookup } from './commands/account-commands.ts';
import { createTokenAuthenticator, reportingAppends } from './commands/token-authentication.ts';
import { createStreamChangeFeed } from './commands/stream-change-feed.ts';
import { USAGE_SO_FAR_INPUT_EVENTS } from './commands/usage-so-far-inputs.ts';
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
import { notificationProjections } from './projections/notifications/notifications-projection.ts';
import { runDunning } from './commands/dunning.ts';
import { DEFAULT_DUNNING_CONFIG } from './domain/invoice/dunning-rules.ts';
import { ProjectionRunner } from './projections/projection-runner.ts';
import type { Projection } from './projections/projection.ts';
import { createSmtpHostPolicy } from './adapters/email/smtp-host-guard.ts';
import { openIntegrations, type Integrations } from './adapters/integrations.ts';
import { createAccessKeyCommands } from './commands/access-key-commands.ts';
import { createBucketCommands } from './commands/bucket-commands.ts';
import { collectByListing, collectMinioMetrics } from './commands/metering-collectors.ts';
import { createSftpUserCommands } from './commands/sftp-user-commands.ts';
import { createUsageIngestion, type UsageIngestion } from './commands/usage-ingestion.ts';
import { noticeExpiringAccessKeys } from './commands/access-key-expiry.ts';
import { checkQuotaThresholds } from './commands/quota-thresholds.ts';
import { accessKeyProvisioningReactor } from './reactors/access-key-provisioning-reactor.ts';
import { bucketProvisioningReactor } from './reactors/bucket-provisioning-reactor.ts';
import { emailReactor } from './reactors/email-reactor.ts';
import type { Reactor } from './reactors/reactor.ts';
import { ReactorRunner } from './reactors/reactor-runner.ts';
import { logHorizonCheck } from './projections/log-horizon.ts';
import { sftpProvisioningReactor } from './reactors/sftp-provisioning-reactor.ts';

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
  ...notificationProjections,
  ...auditLogProjections,
];

export interface Application {
  config: Config;
  infrastructure: Infrastructure;
  integrations: Integrations;
  runner: ProjectionRunner;
  reactors: ReactorRunner;
  ingestion: UsageIngestion;
  api: ReturnType<typeof buildApi>;
  loadRatingPlan: RatingPlanLoader;
  /** the process's one clock */
  clock: () => Date;
  close(): Promise<void>;
}

/** The one composition root: config -> adapters -> handlers -> api and workers. */
export async function compose(config: Config, options: { log?: (line: string) => void; httpLogs?: boolean; logStream?: NodeJS.WritableStream; clock?: () => Date } = {}): Promise<Application> {
  // The one clock of the process: every instant a component writes and later compares comes from it.
  const clock = options.clock ?? (() => new Date());
  const infrastructure = await openInfrastructure(config, options.log);
  // Tokens are cached, kept current by the log; this process's own appends to token and
  // account streams reach the cache before they return (see token-authentication.ts).
  const tokens = createTokenAuthenticator(infrastructure.eventStore, memberRoleLookup(infrastructure.eventStore));
  // What GET …/usage keeps between requests, kept current the same way (see usage-so-far-inputs.ts).
  const streamChanges = createStreamChangeFeed(infrastructure.eventStore, { only: USAGE_SO_FAR_INPUT_EVENTS });
  infrastructure.eventStore = reportingAppends(infrastructure.eventStore, (streamName) => {
    tokens.forgetStream(streamName);
    streamChanges.streamChanged(streamName);
  });
  const followingTokens = new AbortController();
  void tokens.follow(followingTokens.signal);
  void streamChanges.follow(followingTokens.signal);
  const { eventStore, readModels } = infrastructure;
  const ratingPlans: RatingPlanLoader = async (accountId, period, timeZone) => {
    const plan = await loadRatingPlan(eventStore, accountId, period, timeZone);
    return plan.segments.length > 0 ? plan : null;
  };
  // One per process, shared by POST /usage and the collectors: it keeps hot streams' ledgers in memory.
  const ingestion = createUsageIngestion(eventStore, { maxClockSkewMs: config.usageMaxClockSkewMs });
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
        invoiceMinDaysToPay: config.invoiceMinDaysToPay,
        dunningSuspendAfterDays: config.dunningSuspendAfterDays,
        tzDataVersion: process.versions.tz,
      },
      loadRatingPlan: ratingPlans,
      ingestion,
      streamChanges,
    },
    readModels,
    authenticate: (token) => tokens.authenticate(token),
    healthChecks: [
      { name: 'postgres', check: infrastructure.checkPostgres },
      { name: 'eventStore', check: () => eventStore.ping() },
      { name: 'eventLog', check: () => logHorizonCheck(eventStore, config.logStallSeconds * 1000) },
    ],
    smtpHostPolicy: createSmtpHostPolicy({ allowInternal: config.accountSmtpInternalHosts === 'allow' }),
    now: clock,
    idempotencyLeaseMs: config.idempotencyLeaseMs,
    logger: options.httpLogs === false ? false : { level: config.logLevel, ...(options.logStream ? { stream: options.logStream } : {}) },
    version: VERSION,
  });
  const logger = { info: (m: string) => api.log.info(m), error: (m: string) => api.log.error(m) };
  const runner = new ProjectionRunner({ db: readModels, eventStore, projections, batchSize: config.projectionBatchSize, logger, clock });
  const integrations = openIntegrations(config);
  const reactors = new ReactorRunner({
    db: readModels,
    eventStore,
    reactors: reactorsOf(infrastructure, integrations, config, runner),
    maxAttempts: config.reactorMaxAttempts,
    retryBaseMs: config.reactorRetryBaseMs,
    clock,
    batchSize: config.projectionBatchSize,
    logger,
  });
  return {
    clock,
    config,
    infrastructure,
    integrations,
    runner,
    reactors,
    ingestion,
    api,
    loadRatingPlan: ratingPlans,
    async close() {
      followingTokens.abort();
      await api.close();
      await reactors.stop();
      await runner.stop();
      await integrations.close();
      await infrastructure.close();
    },
  };
}

/** Every reactor: the work the outside world is owed, each fed from the log with its own checkpoint. */
export function reactorsOf(infrastructure: Infrastructure, integrations: Integrations, config: Config, runner: ProjectionRunner): Reactor[] {
  const { eventStore, readModels, secrets } = infrastructure;
  return [
    bucketProvisioningReactor({ objectStorage: integrations.objectStorage, storageAdmin: integrations.storageAdmin, buckets: createBucketCommands(eventStore) }),
    accessKeyProvisioningReactor({
      storageAdmin: integrations.storageAdmin,
      secrets,
      accessKeys: createAccessKeyCommands({ eventStore, secrets, keyRotationGraceHours: config.accessKeyRotationGraceHours }),
      eventStore,
      readModels,
      projectionLag: (projection) => runner.lagOf(projection),
    }),
    sftpProvisioningReactor({
      sftpServer: integrations.sftpServer,
      storageAdmin: integrations.storageAdmin,
      s3: integrations.sftpS3,
      secrets,
      sftpUsers: createSftpUserCommands({ eventStore, secrets }),
      eventStore,
    }),
    emailReactor({
      mailer: integrations.mailer,
      platformSmtp: integrations.platformSmtp,
      eventStore,
      secrets,
      portalUrl: config.portalUrl,
      checkAccountSmtpHost: integrations.accountSmtpGuard,
    }),
  ];
}

/**
 * Every scheduled job, with its schedule from config: the one place that lists them.
 * `npm run ops -- run-job <name>` runs one now; a schedule of "off" leaves a job out.
 */
export function scheduledJobs(app: Application, options: { includeOff?: boolean } = {}): ScheduledJob[] {
  const { config } = app;
  const { eventStore, readModels } = app.infrastructure;
  const context = (job: string, now: Date) => {
    const id = randomUUID();
    return { actor: `system:${job}`, correlationId: id, causationId: id, occurredAt: now.toISOString() };
  };
  const billing = { eventStore, readModels, loadRatingPlan: app.loadRatingPlan, graceHours: config.billingGraceHours, concurrency: config.billingConcurrency, minDaysToPay: config.invoiceMinDaysToPay, tzDataVersion: process.versions.tz };
  const jobs: ScheduledJob[] = [
    {
      name: 'billing-run',
      schedule: config.billingCron,
      configuredBy: 'BILLING_CRON',
      async run(now) {
        // The month before, in UTC: every account's zone has closed it by now, or will by a later day's run.
        const period = previousPeriod(periodOf(now.toISOString(), 'UTC'));
        const summary = await runBilling(billing, period, now, context('billing-run', now));
        const reasons = Object.entries(summary.skippedByReason).filter(([, n]) => n > 0).map(([reason, n]) => `${n} ${reason}`);
        return `${period}, ${summary.accounts} accounts in the log: ${summary.issued} issued, ${summary.drafted} drafted, ${summary.alreadyIssued} already issued, ${summary.skipped} skipped${reasons.length > 0 ? ` (${reasons.join(', ')})` : ''}, ${summary.failed} failed`;
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
    {
      name: 'metering',
      schedule: config.meteringCron,
      configuredBy: 'METERING_CRON',
      async run(now) {
        const summary = await collectMinioMetrics({ ingestion: app.ingestion, readModels, storageAdmin: app.integrations.storageAdmin }, now, context('metering', now));
        return describeCollection(summary);
      },
    },
    {
      name: 'listing-metering',
      schedule: config.listingMeteringCron,
      configuredBy: 'LISTING_METERING_CRON',
      async run(now) {
        const summary = await collectByListing({ ingestion: app.ingestion, readModels, objectStorage: app.integrations.objectStorage }, now, context('listing-metering', now));
        return describeCollection(summary);
      },
    },
    {
      name: 'key-expiry',
      schedule: config.keyExpiryCron,
      configuredBy: 'KEY_EXPIRY_CRON',
      async run(now) {
        const summary = await noticeExpiringAccessKeys({ eventStore, readModels }, now, context('key-expiry', now));
        return `${summary.candidates} keys expiring within 7 days, ${summary.noticed.length} noticed now, ${summary.failed.length} failed`;
      },
    },
    {
      name: 'quota-check',
      schedule: config.quotaCheckCron,
      configuredBy: 'QUOTA_CHECK_CRON',
      async run(now) {
        const summary = await checkQuotaThresholds({ eventStore, readModels, defaultQuotaGiB: config.defaultAccountQuotaGiB }, now, context('quota-check', now));
        return `${summary.accounts} accounts in the log: ${summary.accountsChecked} checked, ${summary.skipped.length} skipped (closed), ${summary.failed.length} failed; ${summary.reached.length} thresholds reached, ${summary.rearmed} re-armed`;
      },
    },
  ];
  return options.includeOff ? jobs : jobs.filter((job) => job.schedule !== 'off');
}

function describeCollection(summary: { bucketsRead: number; samplesRecorded: number; alreadyRecorded: number; unread: string[] }): string {
  const unread = summary.unread.length > 0 ? `; not read: ${summary.unread.slice(0, 5).join(', ')}${summary.unread.length > 5 ? ', …' : ''}` : '';
  return `${summary.bucketsRead} buckets read, ${summary.samplesRecorded} samples recorded, ${summary.alreadyRecorded} already recorded${unread}`;
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
  app.reactors.start();
  for (const line of app.integrations.describe()) say(line);
  const schedules = startSchedules(scheduledJobs(app), say, app.clock);
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

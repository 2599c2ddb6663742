import { pathToFileURL } from 'node:url';
import { startSchedules, type ScheduledJob } from './adapters/scheduler/cron-scheduler.ts';
import { scheduleRunsIn } from './adapters/scheduler/schedule-runs.ts';
import { createSmtpHostPolicy } from './adapters/email/smtp-host-guard.ts';
import { createDnsHostResolver } from './adapters/dns/dns-host-resolver.ts';
import type { HostResolver } from './ports/host-resolver.ts';
import { createIdempotencyStore } from './api/idempotency.ts';
import { buildApi } from './api/server.ts';
import { memberRoleLookup } from './commands/account-commands.ts';
import type { RatingPlanLoader } from './commands/invoice-inputs.ts';
import { createStreamChangeFeed } from './commands/stream-change-feed.ts';
import { loadRatingPlan } from './commands/subscription-commands.ts';
import { createTokenAuthenticator, reportingAppends } from './commands/token-authentication.ts';
import { createUsageIngestion, type UsageIngestion } from './commands/usage-ingestion.ts';
import { USAGE_SO_FAR_INPUT_EVENTS } from './commands/usage-so-far-inputs.ts';
import { openInfrastructure, type Infrastructure } from './composition/infrastructure.ts';
import { openIntegrations, type Integrations } from './composition/integrations.ts';
import { reactorsOf } from './composition/reactors.ts';
import { leaseHolders as leaseHoldersOf } from './composition/leases.ts';
import { opsOf, type OpsFunctions } from './composition/ops.ts';
import { routesOf } from './composition/routes.ts';
import { scheduledJobs as jobsOf } from './composition/schedules.ts';
import { ConfigError, loadConfig, type Config } from './config.ts';
import { accessKeyProjections } from './projections/access-keys/access-key-projections.ts';
import { accountsProjection } from './projections/accounts/accounts-projection.ts';
import { auditLogProjections } from './projections/audit-log/audit-log-projections.ts';
import { bucketProjections } from './projections/buckets/bucket-projections.ts';
import { invoiceProjections } from './projections/invoices/invoice-projections.ts';
import { logHorizonCheck } from './projections/log-horizon.ts';
import { memberProjections } from './projections/members/member-projections.ts';
import { notificationProjections } from './projections/notifications/notifications-projection.ts';
import { paymentProjections } from './projections/payments/payment-projections.ts';
import { pricebookProjections } from './projections/pricebook/pricebook-projections.ts';
import type { Projection } from './projections/projection.ts';
import { createReadAfter } from './commands/read-after.ts';
import { projectionCheckpoint } from './projections/checkpoint-queries.ts';
import { ProjectionRunner } from './projections/projection-runner.ts';
import { quotaProjections } from './projections/quotas/quota-projections.ts';
import { sftpUserProjections } from './projections/sftp-users/sftp-user-projections.ts';
import { subscriptionProjections } from './projections/subscriptions/subscription-projections.ts';
import { usageProjections } from './projections/usage/usage-projections.ts';
import { webhooksProjection } from './projections/webhooks/webhooks-projection.ts';
import { ReactorRunner } from './reactors/reactor-runner.ts';

export { reactorsOf } from './composition/reactors.ts';

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
  webhooksProjection,
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
  /** what `npm run ops` commands call */
  ops: OpsFunctions;
  /** the process's one clock */
  clock: () => Date;
  close(): Promise<void>;
}

/** The one composition root: config -> adapters -> handlers -> api and workers. */
export async function compose(
  config: Config,
  options: {
    log?: (line: string) => void;
    httpLogs?: boolean;
    logStream?: NodeJS.WritableStream;
    clock?: () => Date;
    /** what host names resolve to (tests stand in a resolver for DNS they do not control) */
    resolveHost?: HostResolver;
  } = {},
): Promise<Application> {
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
  // Awaited by close() before the pool ends: a feed gives its LISTEN connection back on its way
  // out, and an ending pool neither serves a query still waiting for a connection nor ends
  // before every connection is back (a read bench once hung there, the LISTEN still checked out).
  const feedsFollowing = Promise.all([tokens.follow(followingTokens.signal), streamChanges.follow(followingTokens.signal)]);
  const { eventStore, readModels, reads } = infrastructure;
  const ratingPlans: RatingPlanLoader = async (accountId, period, timeZone) => {
    const plan = await loadRatingPlan(eventStore, accountId, period, timeZone);
    return plan.segments.length > 0 ? plan : null;
  };
  // One per process, shared by POST /usage and the collectors: it keeps hot streams' ledgers in memory.
  const ingestion = createUsageIngestion(eventStore, {
    maxClockSkewMs: config.usageMaxClockSkewMs,
    ...(infrastructure.sampleKeyClaims ? { sampleKeyClaims: infrastructure.sampleKeyClaims } : {}),
  });
  const api = buildApi({
    routes: routesOf({
      config,
      eventStore,
      readModels,
      reads,
      secrets: infrastructure.secrets,
      smtpHostPolicy: createSmtpHostPolicy({ allowInternal: config.accountSmtpInternalHosts === 'allow' }),
      resolveHost: options.resolveHost ?? createDnsHostResolver(),
      loadRatingPlan: ratingPlans,
      ingestion,
      streamChanges,
    }),
    authenticate: (token) => tokens.authenticate(token),
    healthChecks: [
      { name: 'postgres', check: infrastructure.checkPostgres },
      ...(infrastructure.checkReadReplica ? [{ name: 'postgresReadReplica', check: infrastructure.checkReadReplica }] : []),
      { name: 'eventStore', check: () => eventStore.ping() },
      { name: 'eventLog', check: () => logHorizonCheck(eventStore, config.logStallSeconds * 1000) },
    ],
    leases: () => leaseHolders(),
    now: clock,
    idempotency: createIdempotencyStore(readModels, clock, config.idempotencyLeaseMs),
    // the checkpoints of the database the read routes then query (the replica, if any)
    readAfter: createReadAfter({ eventStore, projections, projectionCheckpoint: (name) => projectionCheckpoint(reads, name), waitMs: config.readAfterWaitMs }),
    logger: options.httpLogs === false ? false : { level: config.logLevel, ...(options.logStream ? { stream: options.logStream } : {}) },
    version: VERSION,
  });
  const leaseHolders = () => leaseHoldersOf(infrastructure.leases, { projections: projections.map((p) => p.name), reactors: reactors.names(), schedules: scheduleNames() });
  const logger = { info: (m: string) => api.log.info(m), error: (m: string) => api.log.error(m) };
  const scheduleNames = () =>
    jobsOf({ config, eventStore, readModels, loadRatingPlan: ratingPlans, ingestion, integrations }).map((job) => job.name);
  const runner = new ProjectionRunner({ db: readModels, eventStore, projections, batchSize: config.projectionBatchSize, logger, clock, leases: infrastructure.leases });
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
    leases: infrastructure.leases,
  });
  const ops = opsOf({ eventStore, readModels, catchUp: (names) => runner.catchUp(names), logStallMs: config.logStallSeconds * 1000, leaseHolders });
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
    ops,
    async close() {
      followingTokens.abort();
      await api.close();
      await feedsFollowing;
      await reactors.stop();
      await runner.stop();
      await integrations.close();
      await infrastructure.close();
    },
  };
}

/**
 * Every scheduled job, with its schedule from config (see composition/schedules.ts).
 * `npm run ops -- run-job <name>` runs one now; a schedule of "off" leaves a job out.
 */
export function scheduledJobs(app: Application, options: { includeOff?: boolean } = {}): ScheduledJob[] {
  const { eventStore, readModels } = app.infrastructure;
  return jobsOf({ config: app.config, eventStore, readModels, loadRatingPlan: app.loadRatingPlan, ingestion: app.ingestion, integrations: app.integrations }, options);
}

/**
 * Starts the workers of the process's roles (SERVICE_ROLES; the api role is its listening).
 * Each projection, reactor and schedule runs under a lease, so any number of processes may
 * run the same roles: one does each piece of work, another takes it over when it dies.
 */
export function startRoles(app: Application, say: (line: string) => void): { stop(): Promise<void> } | null {
  const roles = app.config.serviceRoles;
  say(`roles: ${roles.join(', ')} (lease holder "${app.infrastructure.leases.holder}")`);
  if (roles.includes('projections')) {
    app.runner.start();
    // A read model built by another version of its projection is rebuilt beside the live one.
    void app.runner
      .upgrade(
        (name, from, to) => say(`read model ${name} rebuilt for projection version ${to} (was ${from})`),
        (line) => say(line),
      )
      .catch((error: unknown) => say(`could not rebuild an outdated read model: ${error instanceof Error ? error.message : String(error)}`));
  }
  if (roles.includes('reactors')) {
    app.reactors.start();
    for (const line of app.integrations.describe()) say(line);
  }
  if (!roles.includes('schedules')) return null;
  return startSchedules(scheduledJobs(app), say, app.clock, { leases: app.infrastructure.leases, runs: scheduleRunsIn(app.infrastructure.readModels) });
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
  const schedules = startRoles(app, say);
  say(`read models: ${app.infrastructure.description.postgres}`);
  say(`events: ${app.infrastructure.description.eventStore}`);
  say(`read routes query: ${app.infrastructure.description.reads}`);
  if (config.serviceRoles.includes('api')) {
    const address = await app.api.listen({ host: config.host, port: config.port });
    say(`listening on ${address} (health: ${address}/health, API document: ${address}/docs)`);
  }

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    say(`${signal}: stopping`);
    await schedules?.stop();
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

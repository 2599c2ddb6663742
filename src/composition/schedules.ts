import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { ScheduledJob } from '../adapters/scheduler/cron-scheduler.ts';
import { noticeExpiringAccessKeys } from '../commands/access-key-expiry.ts';
import { runBilling } from '../commands/billing-run.ts';
import { runDunning } from '../commands/dunning.ts';
import type { RatingPlanLoader } from '../commands/invoice-inputs.ts';
import { collectByListing, collectMinioMetrics } from '../commands/metering-collectors.ts';
import { checkQuotaThresholds } from '../commands/quota-thresholds.ts';
import type { UsageIngestion } from '../commands/usage-ingestion.ts';
import type { Config } from '../config.ts';
import { periodOf, previousPeriod } from '../domain/rating/index.ts';
import type { EventStore } from '../ports/event-store.ts';
import type { LedgerDatabase } from './database.ts';
import type { Integrations } from './integrations.ts';
import { accessKeyExpiryDeps, billingRunDeps, collectorDeps, dunningDeps, quotaThresholdDeps } from './jobs.ts';

/** What the scheduled jobs work with. */
export interface ScheduledWork {
  config: Config;
  eventStore: EventStore;
  readModels: Kysely<LedgerDatabase>;
  loadRatingPlan: RatingPlanLoader;
  ingestion: UsageIngestion;
  integrations: Pick<Integrations, 'storageAdmin' | 'objectStorage'>;
}

/**
 * Every scheduled job, with its schedule from config: the one place that lists them.
 * `npm run ops -- run-job <name>` runs one now; a schedule of "off" leaves a job out.
 */
export function scheduledJobs(app: ScheduledWork, options: { includeOff?: boolean } = {}): ScheduledJob[] {
  const { config } = app;
  const stores = { eventStore: app.eventStore, readModels: app.readModels };
  const context = (job: string, now: Date) => {
    const id = randomUUID();
    return { actor: `system:${job}`, correlationId: id, causationId: id, occurredAt: now.toISOString() };
  };
  const billing = billingRunDeps(stores, config, app.loadRatingPlan);
  const collectors = collectorDeps(app.readModels, app.ingestion);
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
        const summary = await runDunning(dunningDeps(stores, config), now, context('dunning', now));
        return JSON.stringify(summary).slice(0, 300);
      },
    },
    {
      name: 'metering',
      schedule: config.meteringCron,
      configuredBy: 'METERING_CRON',
      async run(now) {
        const summary = await collectMinioMetrics({ ...collectors, storageAdmin: app.integrations.storageAdmin }, now, context('metering', now));
        return describeCollection(summary);
      },
    },
    {
      name: 'listing-metering',
      schedule: config.listingMeteringCron,
      configuredBy: 'LISTING_METERING_CRON',
      async run(now) {
        const summary = await collectByListing({ ...collectors, objectStorage: app.integrations.objectStorage }, now, context('listing-metering', now));
        return describeCollection(summary);
      },
    },
    {
      name: 'key-expiry',
      schedule: config.keyExpiryCron,
      configuredBy: 'KEY_EXPIRY_CRON',
      async run(now) {
        const summary = await noticeExpiringAccessKeys(accessKeyExpiryDeps(stores), now, context('key-expiry', now));
        return `${summary.candidates} keys expiring within 7 days, ${summary.noticed.length} noticed now, ${summary.failed.length} failed`;
      },
    },
    {
      name: 'quota-check',
      schedule: config.quotaCheckCron,
      configuredBy: 'QUOTA_CHECK_CRON',
      async run(now) {
        const summary = await checkQuotaThresholds(quotaThresholdDeps(stores, config.defaultAccountQuotaGiB), now, context('quota-check', now));
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

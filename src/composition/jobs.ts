import type { Kysely } from 'kysely';
import { createAccountCommands } from '../commands/account-commands.ts';
import type { CollectorDeps } from '../commands/metering-collectors.ts';
import type { AccessKeyExpiryDeps } from '../commands/access-key-expiry.ts';
import type { BillingRunDeps } from '../commands/billing-run.ts';
import type { DunningDeps } from '../commands/dunning.ts';
import type { RatingPlanLoader } from '../commands/invoice-inputs.ts';
import type { PaymentDeps } from '../commands/payment-commands.ts';
import type { PaymentCorrectionDeps } from '../commands/payment-corrections.ts';
import type { UsageCorrectionDeps } from '../commands/usage-corrections.ts';
import type { QuotaThresholdDeps } from '../commands/quota-thresholds.ts';
import { storedBytesByAccount } from '../commands/latest-storage.ts';
import type { UsageIngestion } from '../commands/usage-ingestion.ts';
import type { Config } from '../config.ts';
import { DEFAULT_DUNNING_CONFIG } from '../domain/invoice/dunning-rules.ts';
import type { EventStore } from '../ports/event-store.ts';
import { activeKeysExpiringBetween } from '../projections/access-keys/access-key-queries.ts';
import { meteredBucketNames } from '../projections/buckets/bucket-queries.ts';
import { projectionCheckpoint } from '../projections/checkpoint-queries.ts';
import { locateInvoice, openInvoices, voidedInvoice } from '../projections/invoices/invoice-queries.ts';
import { accountCurrency, locatePayment } from '../projections/payments/credit-movement-queries.ts';
import { approvedQuotasGiB } from '../projections/quotas/quota-queries.ts';
import type { LedgerDatabase } from './database.ts';
import { saveCollectorRun } from '../projections/usage/collector-run-queries.ts';
import { latestStorageRows } from '../projections/usage/usage-queries.ts';
import { queriesOn } from './read-models.ts';

/**
 * What the billing, dunning, metering, quota and key-expiry work reads, as named functions:
 * the scheduled jobs, the operator routes that run them now, and tests get them from here.
 */
export interface Stores {
  eventStore: EventStore;
  readModels: Kysely<LedgerDatabase>;
}

export function billingRunDeps({ eventStore }: Stores, config: Config, loadRatingPlan: RatingPlanLoader): BillingRunDeps {
  return {
    eventStore,
    loadRatingPlan,
    graceHours: config.billingGraceHours,
    concurrency: config.billingConcurrency,
    minDaysToPay: config.invoiceMinDaysToPay,
    // the time-zone database dates are computed with, recorded on each invoice issued
    tzDataVersion: process.versions.tz,
    invoiceParties: config.invoicing,
  };
}

export function dunningDeps({ eventStore, readModels }: Stores, config?: Pick<Config, 'dunningSuspendAfterDays'>): DunningDeps {
  const on = queriesOn(readModels);
  return {
    eventStore,
    accounts: createAccountCommands(eventStore),
    projectionCheckpoint: on(projectionCheckpoint),
    openInvoices: on(openInvoices),
    ...(config ? { config: { ...DEFAULT_DUNNING_CONFIG, suspendAfterDays: config.dunningSuspendAfterDays } } : {}),
  };
}

export function paymentDeps({ eventStore, readModels }: Stores, config?: Pick<Config, 'readAfterWaitMs'>): PaymentDeps {
  const on = queriesOn(readModels);
  return {
    eventStore,
    locateInvoice: on(locateInvoice),
    voidedInvoice: on(voidedInvoice),
    projectionCheckpoint: on(projectionCheckpoint),
    ...(config ? { readModelWaitMs: config.readAfterWaitMs } : {}),
  };
}

export function paymentCorrectionDeps({ eventStore, readModels }: Stores, config?: Pick<Config, 'readAfterWaitMs'>): PaymentCorrectionDeps {
  const on = queriesOn(readModels);
  return {
    eventStore,
    locatePayment: on(locatePayment),
    accountCurrency: on(accountCurrency),
    projectionCheckpoint: on(projectionCheckpoint),
    ...(config ? { readModelWaitMs: config.readAfterWaitMs } : {}),
  };
}

export function usageCorrectionDeps({ eventStore, readModels }: Stores): UsageCorrectionDeps {
  const currencyOf = queriesOn(readModels)(accountCurrency);
  return { eventStore, accountExists: async (accountId) => (await currencyOf(accountId)) !== undefined };
}

export function quotaThresholdDeps({ eventStore, readModels }: Stores, defaultQuotaGiB: number): QuotaThresholdDeps {
  const on = queriesOn(readModels);
  return {
    eventStore,
    defaultQuotaGiB,
    projectionCheckpoint: on(projectionCheckpoint),
    approvedQuotasGiB: on(approvedQuotasGiB),
    storedBytesByAccount: () => storedBytesByAccount({ eventStore, latestStorageRows: on(latestStorageRows) }),
  };
}

export function accessKeyExpiryDeps({ eventStore, readModels }: Stores): AccessKeyExpiryDeps {
  return { eventStore, activeKeysExpiringBetween: queriesOn(readModels)(activeKeysExpiringBetween) };
}

export function collectorDeps(readModels: Kysely<LedgerDatabase>, ingestion: UsageIngestion): CollectorDeps {
  const on = queriesOn(readModels);
  return { ingestion, meteredBucketNames: on(meteredBucketNames), saveCollectorRun: on(saveCollectorRun) };
}

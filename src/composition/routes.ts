import type { Kysely } from 'kysely';
import type { RoutesDeps } from '../api/server.ts';
import { createAccessKeyCommands } from '../commands/access-key-commands.ts';
import { createAccountCommands } from '../commands/account-commands.ts';
import { createAccountSmtpCommands } from '../commands/account-smtp.ts';
import { runBilling } from '../commands/billing-run.ts';
import { createBucketCommands } from '../commands/bucket-commands.ts';
import { runDunning } from '../commands/dunning.ts';
import { auditInvoiceById } from '../commands/invoice-audit.ts';
import type { RatingPlanLoader } from '../commands/invoice-inputs.ts';
import { createMemberCommands } from '../commands/member-commands.ts';
import { markAccountNotificationsRead } from '../commands/notification-commands.ts';
import { issueCreditNote, recordPayment, voidInvoice } from '../commands/payment-commands.ts';
import { refundCredit, reversePayment } from '../commands/payment-corrections.ts';
import { withdrawSamples } from '../commands/usage-corrections.ts';
import { accountCreditMovementsPage } from '../projections/payments/credit-movement-queries.ts';
import { accountStatement } from '../projections/payments/statement-queries.ts';
import { createPricebookCommands } from '../commands/pricebook-commands.ts';
import { createQuotaCommands } from '../commands/quota-commands.ts';
import { createSftpUserCommands } from '../commands/sftp-user-commands.ts';
import type { StreamChangeFeed } from '../commands/stream-change-feed.ts';
import { createStateAt } from '../commands/state-at.ts';
import { createSubscriptionCommands } from '../commands/subscription-commands.ts';
import { createUsageEstimates } from '../commands/usage-estimate.ts';
import { createDailyUsageReader } from '../commands/usage-daily.ts';
import { explainInvoiceToAccount } from '../commands/invoice-explanation.ts';
import type { UsageIngestion } from '../commands/usage-ingestion.ts';
import { createUsageSoFarInputs } from '../commands/usage-so-far-inputs.ts';
import { createWebhookCommands } from '../commands/webhook-commands.ts';
import { overdueInvoiceQueue } from '../commands/overdue-invoice-queue.ts';
import { searchAccountsPage } from '../projections/accounts/account-search-queries.ts';
import { findInvoicesPage } from '../projections/invoices/invoice-finder-queries.ts';
import { accountTimeZones, overdueInvoicesPage } from '../projections/invoices/overdue-invoice-queries.ts';
import { pendingQuotaRequestsPage } from '../projections/quotas/pending-quota-request-queries.ts';
import { failedReactorJobsPage } from '../reactors/failed-job-queries.ts';
import type { Config } from '../config.ts';
import type { EventStore } from '../ports/event-store.ts';
import type { SecretSealer } from '../ports/secret-sealer.ts';
import type { HostResolver } from '../ports/host-resolver.ts';
import type { SmtpHostPolicy } from '../ports/smtp-host-policy.ts';
import { accessKeysPage, findAccessKey } from '../projections/access-keys/access-key-queries.ts';
import { findAccount, requireAccount } from '../projections/accounts/accounts-queries.ts';
import { auditLogPage } from '../projections/audit-log/audit-log-queries.ts';
import { accountBucketNames, accountBucketsPage, findBucket } from '../projections/buckets/bucket-queries.ts';
import { accountInvoicesPage, findAccountInvoice, findAccountInvoiceWithLinks, findInvoiceForExport, locateInvoice } from '../projections/invoices/invoice-queries.ts';
import { accountApiTokensPage, accountInvitationsPage, accountMembersPage } from '../projections/members/member-queries.ts';
import { accountNotificationsPage, hasUnreadNotifications, notificationsAmong, unreadNotificationCount } from '../projections/notifications/notification-queries.ts';
import { accountBalance, accountCreditNotesPage, accountPaymentsPage } from '../projections/payments/payment-queries.ts';
import { findPlan, listPlans, listPlanVersions } from '../projections/pricebook/pricebook-queries.ts';
import { accountQuotaRequestsPage, findAccountQuota, findQuotaRequest } from '../projections/quotas/quota-queries.ts';
import type { LedgerDatabase } from './database.ts';
import { findSftpUser } from '../projections/sftp-users/sftp-user-queries.ts';
import { listSubscriptionChanges } from '../projections/subscriptions/subscription-queries.ts';
import { earlierUsageRevisions, usageTotals } from '../projections/usage/usage-queries.ts';
import { accountWebhooks, findWebhook, webhookDeliveriesPage } from '../projections/webhooks/webhook-queries.ts';
import { billingRunDeps, dunningDeps, paymentCorrectionDeps, paymentDeps, usageCorrectionDeps } from './jobs.ts';
import { queriesOn } from './read-models.ts';

export interface RouteWiring {
  config: Config;
  eventStore: EventStore;
  /** the primary: what commands read (their lookups and the checkpoints they wait on) */
  readModels: Kysely<LedgerDatabase>;
  /** what read routes query: the replica when there is one (the same `?after=` checks its checkpoints) */
  reads: Kysely<LedgerDatabase>;
  secrets: SecretSealer;
  /** ACCOUNT_SMTP_INTERNAL_HOSTS, applied to `PUT …/smtp` */
  smtpHostPolicy: SmtpHostPolicy;
  /** what a webhook's host name resolves to, judged when it is registered */
  resolveHost: HostResolver;
  loadRatingPlan: RatingPlanLoader;
  /** the process's one usage ingestion (it keeps the hot usage streams' ledgers in memory) */
  ingestion: UsageIngestion;
  /** which streams changed, for what the usage estimate keeps between requests */
  streamChanges: StreamChangeFeed;
}

/** Every route module's command and query functions, built once. */
export function routesOf(wiring: RouteWiring): RoutesDeps {
  const { config, eventStore, readModels, secrets } = wiring;
  // Commands read the primary: a command's lookup and the checkpoint it waits on are one database.
  const stores = { eventStore, readModels };
  const onPrimary = queriesOn(readModels);
  // Read routes' queries, on the replica when there is one.
  const on = queriesOn(wiring.reads);

  const accounts = createAccountCommands(eventStore);
  const smtp = createAccountSmtpCommands(eventStore, secrets, wiring.smtpHostPolicy);
  const members = createMemberCommands(eventStore, secrets);
  const buckets = createBucketCommands(eventStore);
  const quotas = createQuotaCommands(eventStore, { defaultQuotaGiB: config.defaultAccountQuotaGiB });
  const keys = createAccessKeyCommands({ eventStore, secrets, keyRotationGraceHours: config.accessKeyRotationGraceHours });
  const sftp = createSftpUserCommands({ eventStore, secrets });
  const pricebook = createPricebookCommands(eventStore);
  const subscriptions = createSubscriptionCommands(eventStore);
  const payments = paymentDeps(stores, config);
  const corrections = paymentCorrectionDeps(stores, config);
  const usageCorrections = usageCorrectionDeps(stores);
  const billing = billingRunDeps(stores, config, wiring.loadRatingPlan);
  const dunning = dunningDeps(stores, config);
  // `?asOf=` on the account reads: folded from the event log, no read model
  const stateAt = createStateAt(eventStore);
  const webhooks = createWebhookCommands({ eventStore, secrets, allowLoopbackHttp: config.webhookAllowLoopback, resolveHost: wiring.resolveHost });
  const usageInputs = createUsageSoFarInputs({
    eventStore,
    usageTotals: on(usageTotals),
    earlierUsageRevisions: on(earlierUsageRevisions),
    loadRatingPlan: wiring.loadRatingPlan,
    changes: wiring.streamChanges,
  });

  return {
    accounts: {
      executeAccountCommand: accounts.execute,
      configureAccountSmtp: smtp.configure,
      clearAccountSmtp: smtp.clear,
      requireAccount: on(requireAccount),
      accountAt: stateAt.account,
    },
    members: {
      inviteMember: members.invite,
      acceptInvitation: members.accept,
      changeMemberRole: members.changeRole,
      removeMember: members.remove,
      transferOwnership: members.transferOwnership,
      createApiToken: members.createToken,
      revokeApiToken: members.revokeToken,
      accountMembersPage: on(accountMembersPage),
      accountInvitationsPage: on(accountInvitationsPage),
      accountApiTokensPage: on(accountApiTokensPage),
      membersAt: stateAt.members,
    },
    buckets: {
      requestBucket: buckets.request,
      setBucketQuota: buckets.setQuota,
      setBucketVersioning: buckets.setVersioning,
      setBucketLifecycle: buckets.setLifecycle,
      deleteBucket: buckets.delete,
      recordBucketProvisioned: buckets.recordProvisioned,
      recordBucketProvisioningFailed: buckets.recordProvisioningFailed,
      recordBucketDeleted: buckets.recordDeleted,
      accountBucketsPage: on(accountBucketsPage),
      findBucket: on(findBucket),
      bucketsAt: stateAt.buckets,
      bucketAt: stateAt.bucket,
    },
    quotas: {
      defaultQuotaGiB: config.defaultAccountQuotaGiB,
      requestQuotaIncrease: quotas.requestIncrease,
      approveQuotaRequest: quotas.approve,
      rejectQuotaRequest: quotas.reject,
      requireAccount: on(requireAccount),
      findAccountQuota: on(findAccountQuota),
      findQuotaRequest: on(findQuotaRequest),
      accountQuotaRequestsPage: on(accountQuotaRequestsPage),
    },
    accessKeys: {
      issueAccessKey: keys.issue,
      rotateAccessKey: keys.rotate,
      revokeAccessKey: keys.revoke,
      recordAccessKeyProvisioned: keys.recordProvisioned,
      accessKeysPage: on(accessKeysPage),
      findAccessKey: on(findAccessKey),
      accessKeysAt: stateAt.accessKeys,
      accessKeyAt: stateAt.accessKey,
    },
    sftpUsers: {
      createSftpUser: sftp.create,
      resetSftpPassword: sftp.resetPassword,
      mapSftpBucket: sftp.mapBucket,
      unmapSftpBucket: sftp.unmapBucket,
      disableSftpUser: sftp.disable,
      recordSftpUserProvisioned: sftp.recordProvisioned,
      findSftpUser: on(findSftpUser),
    },
    usage: { ingestUsage: wiring.ingestion.ingest },
    pricebook: {
      publishPlan: pricebook.publishPlan,
      publishPlanVersion: pricebook.publishVersion,
      listPlans: on(listPlans),
      findPlan: on(findPlan),
      listPlanVersions: on(listPlanVersions),
    },
    subscriptions: {
      changeSubscription: subscriptions.change,
      requireAccount: on(requireAccount),
      listSubscriptionChanges: on(listSubscriptionChanges),
      subscriptionAt: stateAt.subscription,
    },
    usagePortal: { usageEstimate: createUsageEstimates({ eventStore, inputs: usageInputs }) },
    invoices: {
      runBilling: (period, now, context, onProgress) => runBilling(billing, period, now, context, onProgress),
      accountInvoicesPage: on(accountInvoicesPage),
      findAccountInvoiceWithLinks: on(findAccountInvoiceWithLinks),
      auditInvoice: (invoiceId) => auditInvoiceById({ eventStore, locateInvoice: on(locateInvoice) }, invoiceId),
    },
    payments: {
      recordPayment: (...args) => recordPayment(payments, ...args),
      issueCreditNote: (...args) => issueCreditNote(payments, ...args),
      voidInvoice: (...args) => voidInvoice(payments, ...args),
      runDunning: (now, context) => runDunning(dunning, now, context),
      accountBalance: on(accountBalance),
      requireAccount: on(requireAccount),
      findAccountInvoice: on(findAccountInvoice),
      accountPaymentsPage: on(accountPaymentsPage),
      accountCreditNotesPage: on(accountCreditNotesPage),
      balanceAt: stateAt.balance,
    },
    corrections: {
      reversePayment: (...args) => reversePayment(corrections, ...args),
      refundCredit: (...args) => refundCredit(corrections, ...args),
      requireAccount: on(requireAccount),
      accountCreditMovementsPage: on(accountCreditMovementsPage),
      accountStatement: on(accountStatement),
      withdrawSamples: (...args) => withdrawSamples(usageCorrections, ...args),
    },
    auditLog: { auditLogPage: on(auditLogPage) },
    notifications: {
      markNotificationsRead: (...args) =>
        markAccountNotificationsRead({ eventStore, hasUnreadNotifications: onPrimary(hasUnreadNotifications), notificationsAmong: onPrimary(notificationsAmong) }, ...args),
      accountNotificationsPage: on(accountNotificationsPage),
      unreadNotificationCount: on(unreadNotificationCount),
    },
    usageDaily: { readDailyUsage: createDailyUsageReader({ eventStore, accountTimeZone: async (accountId) => (await usageInputs.account(accountId))?.timeZone ?? null }) },
    invoiceExplanation: {
      findAccountInvoice: on(findAccountInvoice),
      explainInvoice: (invoice) => explainInvoiceToAccount({ eventStore, accountOf: on(findAccount), bucketNames: on(accountBucketNames) }, invoice),
    },
    webhooks: {
      registerWebhook: webhooks.register,
      removeWebhook: webhooks.remove,
      requestRedelivery: webhooks.redeliver,
      accountWebhooks: on(accountWebhooks),
      findWebhook: on(findWebhook),
      webhookDeliveriesPage: on(webhookDeliveriesPage),
    },
    accountSearch: { searchAccountsPage: on(searchAccountsPage) },
    invoiceFinder: { findInvoicesPage: on(findInvoicesPage) },
    invoiceExport: { findInvoiceForExport: on(findInvoiceForExport) },
    operatorQueues: {
      pendingQuotaRequestsPage: on(pendingQuotaRequestsPage),
      overdueInvoiceQueue: (...args) => overdueInvoiceQueue({ accountTimeZones: on(accountTimeZones), overdueInvoicesPage: on(overdueInvoicesPage) }, ...args),
      failedReactorJobsPage: on(failedReactorJobsPage),
    },
  };
}

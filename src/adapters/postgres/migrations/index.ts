import type { Migration, MigrationProvider } from 'kysely';
import * as projectionCheckpoints from './0001-projection-checkpoints.ts';
import * as accounts from './0002-accounts.ts';
import * as idempotencyKeys from './0003-idempotency-keys.ts';
import * as buckets from './0004-buckets.ts';
import * as quotas from './0005-quotas.ts';
import * as accessKeys from './0006-access-keys.ts';
import * as sftpUsers from './0007-sftp-users.ts';
import * as sealingKeys from './0008-sealing-keys.ts';
import * as members from './0009-members.ts';
import * as auditLog from './0010-audit-log.ts';
import * as usage from './0011-usage.ts';
import * as pricebook from './0012-pricebook.ts';
import * as invoices from './0013-invoices.ts';
import * as payments from './0014-payments.ts';
import * as invoicePayments from './0015-invoice-payments.ts';
import * as accountSettings from './0017-account-settings.ts';
import * as notifications from './0018-notifications.ts';
import * as reactorJobs from './0016-reactor-jobs.ts';
import * as clockOwnedInstants from './0019-clock-owned-instants.ts';
import * as reactorJobHoldAndAcceptance from './0050-reactor-job-hold-and-acceptance.ts';
import * as idempotencyLeases from './0051-idempotency-leases.ts';
import * as usageStorageFold from './0090-usage-storage-fold.ts';
import * as invoiceTzDataVersion from './0091-invoice-tz-data-version.ts';
import * as webhooks from './0100-webhooks.ts';
import * as projectionVersions from './0101-projection-versions.ts';
import * as accountSearch from './0110-account-search.ts';
import * as operatorFinders from './0111-operator-finders.ts';
import * as creditCorrections from './0120-credit-corrections.ts';
import * as invoiceParties from './0130-invoice-parties.ts';
import * as invoiceReplacements from './0131-invoice-replacements.ts';
import * as scheduleRuns from './0140-schedule-runs.ts';
import * as usageSampleKeys from './0150-usage-sample-keys.ts';
import * as usageLatestWithdrawn from './0190-usage-latest-withdrawn.ts';
import * as invoiceAccountList from './0200-invoice-account-list.ts';

/** Listed by hand rather than read from the folder: works the same under tsx, vitest and a bundle. */
export const readModelMigrations: MigrationProvider = {
  getMigrations: async (): Promise<Record<string, Migration>> => ({
    '0001-projection-checkpoints': projectionCheckpoints,
    '0002-accounts': accounts,
    '0003-idempotency-keys': idempotencyKeys,
    '0004-buckets': buckets,
    '0005-quotas': quotas,
    '0006-access-keys': accessKeys,
    '0007-sftp-users': sftpUsers,
    '0008-sealing-keys': sealingKeys,
    '0009-members': members,
    '0010-audit-log': auditLog,
    '0011-usage': usage,
    '0012-pricebook': pricebook,
    '0013-invoices': invoices,
    '0014-payments': payments,
    '0015-invoice-payments': invoicePayments,
    '0017-account-settings': accountSettings,
    '0018-notifications': notifications,
    '0016-reactor-jobs': reactorJobs,
    '0019-clock-owned-instants': clockOwnedInstants,
    '0050-reactor-job-hold-and-acceptance': reactorJobHoldAndAcceptance,
    '0051-idempotency-leases': idempotencyLeases,
    '0090-usage-storage-fold': usageStorageFold,
    '0091-invoice-tz-data-version': invoiceTzDataVersion,
    '0100-webhooks': webhooks,
    '0101-projection-versions': projectionVersions,
    '0110-account-search': accountSearch,
    '0111-operator-finders': operatorFinders,
    '0120-credit-corrections': creditCorrections,
    '0130-invoice-parties': invoiceParties,
    '0131-invoice-replacements': invoiceReplacements,
    '0140-schedule-runs': scheduleRuns,
    '0150-usage-sample-keys': usageSampleKeys,
    '0190-usage-latest-withdrawn': usageLatestWithdrawn,
    '0200-invoice-account-list': invoiceAccountList,
  }),
};

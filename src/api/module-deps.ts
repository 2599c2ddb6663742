import type { Kysely } from 'kysely';
import type { RatingPlanLoader } from '../commands/invoice-inputs.ts';
import type { StreamChangeFeed } from '../commands/stream-change-feed.ts';
import type { UsageIngestion } from '../commands/usage-ingestion.ts';
import type { EventStore } from '../ports/event-store.ts';
import type { SecretSealer } from '../ports/secret-sealer.ts';
import type { ReadModelDatabase } from '../projections/read-model-database.ts';

/** What every route module gets from the composition root. */
export interface ModuleDeps {
  eventStore: EventStore;
  readModels: Kysely<ReadModelDatabase>;
  secrets: SecretSealer;
  settings: {
    /** an account's storage quota until an operator changes it */
    defaultQuotaGiB: number;
    /** how long a rotated access key's old secret keeps working */
    keyRotationGraceHours: number;
    billingGraceHours: number;
    billingConcurrency: number;
    /** INVOICE_MIN_DAYS_TO_PAY */
    invoiceMinDaysToPay: number;
    /** days overdue before dunning suspends the account */
    dunningSuspendAfterDays: number;
    /** the time-zone database dates are computed with (`process.versions.tz`), recorded on invoices issued */
    tzDataVersion?: string;
  };
  /** the plan segments of an account's period, from its subscription and the price book */
  loadRatingPlan: RatingPlanLoader;
  /** the process's one usage ingestion (it keeps the hot usage streams' ledgers in memory) */
  ingestion: UsageIngestion;
  /** which streams changed, for what the read routes keep between requests; absent: they keep nothing the log could change */
  streamChanges?: StreamChangeFeed;
}
